import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleLang, declaredLang, guessLang } from '../db/lang.js';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures/articles', name), 'utf8');
const text = (t: string) => ({ title: '', lead: '', text: t });

const VIETNAMESE = 'Chiều nay, Ủy ban nhân dân tỉnh Nghệ An đã tổ chức hội nghị tổng kết công tác phòng chống thiên tai năm nay.';
const ARABIC = 'أعلنت الحكومة اليوم عن خطة جديدة لتطوير البنية التحتية في المدن الكبرى خلال السنوات الخمس المقبلة.';
const PERSIAN = 'دولت امروز برنامه‌ای تازه برای گسترش زیرساخت‌های شهری در پنج سال آینده اعلام کرد و گفت که کار از بهار آغاز می‌شود.';
const GREEK = 'Η κυβέρνηση ανακοίνωσε σήμερα νέο σχέδιο για την ανάπτυξη των υποδομών στις μεγάλες πόλεις.';
const RUSSIAN = 'Правительство сегодня объявило о новом плане развития инфраструктуры в крупных городах страны.';
const UKRAINIAN = 'Уряд сьогодні оголосив про новий план розвитку інфраструктури у великих містах країни та її регіонах.';
const JAPANESE = '政府は今日、大都市のインフラ整備に関する新しい計画を発表しました。工事は春に始まる予定です。';
const CHINESE = '北京市政府今天宣布了一项新的城市基础设施发展计划，工程将于明年春天开始。';
const KOREAN = '정부는 오늘 대도시의 기반 시설 개발을 위한 새로운 계획을 발표했습니다.';
const ENGLISH = 'The council voted last night to reopen the harbour tram line after a decade of closures and delays.';

describe('what an article declares', () => {
  it('reads language tags as browsers do, and refuses what is not one', () => {
    expect(declaredLang('vi')).toBe('vi');
    expect(declaredLang('en_US')).toBe('en-US');
    expect(declaredLang('VI-vn')).toBe('vi-VN');
    expect(declaredLang('en, fr')).toBe('en');
    expect(declaredLang('zh-hant-tw')).toBe('zh-Hant-TW');
    for (const junk of ['', ' ', 'und', '*', 'x-default', 'English', 'en--', '<script>', 42, null, undefined, 'a'.repeat(80)]) {
      expect(declaredLang(junk)).toBeNull();
    }
  });
});

describe('what the letters say', () => {
  it.each([
    ['Vietnamese', VIETNAMESE, 'vi'],
    ['Arabic', ARABIC, 'ar'],
    ['Persian', PERSIAN, 'fa'],
    ['Greek', GREEK, 'el'],
    ['Russian', RUSSIAN, 'ru'],
    ['Ukrainian', UKRAINIAN, 'uk'],
    ['Japanese (kana among the kanji)', JAPANESE, 'ja'],
    ['Chinese (no kana)', CHINESE, 'zh'],
    ['Korean', KOREAN, 'ko'],
  ])('%s', (_name, sample, lang) => {
    expect(guessLang(sample)?.lang).toBe(lang);
  });

  it('leaves Latin-script text other than Vietnamese, and too few letters, to the app', () => {
    expect(guessLang(ENGLISH)).toEqual({ script: 'Latin', lang: null });
    expect(guessLang('Le conseil municipal a voté hier soir la réouverture de la ligne.')?.lang).toBeNull();
    expect(guessLang('Αθήνα')).toBeNull();
    expect(guessLang('2024-05-02 12:00 — 15 %')).toBeNull();
  });

  it('does not take an English article with Vietnamese names for Vietnamese', () => {
    const nghean = fixture('nghe-an-rice-harvest.txt');
    expect(nghean).toContain('Nghệ An'); // the names are there…
    expect(articleLang(null, text(nghean))).toBeNull(); // …but the prose is English
    expect(articleLang(null, text(`${VIETNAMESE} ${ENGLISH}`))).toBe('vi'); // a Vietnamese lead before an English quote
  });

  it('looks at the start of a long article only', () => {
    expect(articleLang(null, text(`${VIETNAMESE.repeat(40)}${ENGLISH.repeat(4000)}`))).toBe('vi');
  });
});

describe('declared against the letters', () => {
  it('keeps what is declared when the letters agree or cannot tell', () => {
    expect(articleLang('fr-FR', text('Le conseil municipal a voté hier soir la réouverture de la ligne de tramway.'))).toBe('fr-FR');
    expect(articleLang('vi-VN', text(VIETNAMESE))).toBe('vi-VN');
    expect(articleLang('fa', text(ARABIC))).toBe('fa'); // Persian is written in Arabic letters
    expect(articleLang('bg', text(RUSSIAN))).toBe('bg');
    expect(articleLang('zh-TW', text(CHINESE))).toBe('zh-TW');
    expect(articleLang('ja', text('東京都庁舎の改修工事'))).toBe('ja'); // too short to tell
    expect(articleLang('tlh', text(ENGLISH))).toBe('tlh'); // a language we do not know the letters of
  });

  it('overrules a template default that the text contradicts', () => {
    expect(articleLang('en', text(VIETNAMESE))).toBe('vi');
    expect(articleLang('en-US', text(ARABIC))).toBe('ar');
    expect(articleLang('en', text(JAPANESE))).toBe('ja');
    expect(articleLang('ar', text(ENGLISH))).toBeNull();
  });

  it('falls back to the letters when the declaration is junk, and to nothing when both are silent', () => {
    expect(articleLang('English', text(GREEK))).toBe('el');
    expect(articleLang(null, text(ENGLISH))).toBeNull();
    expect(articleLang(undefined, text(''))).toBeNull();
  });
});
