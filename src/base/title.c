/* Case titles (title.h). */
#include <nakodo/title.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The code point of the UTF-8 sequence at s (of n bytes left) and its length, or 0
 * for a malformed, overlong or surrogate sequence. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (len == 0 || len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < least[len] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Characters that would let a title pass for other text where it is shown: C0, DEL, C1,
 * the line separators and every Bidi_Control character (U+061C among them). */
static bool disguising(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Characters that show as nothing, so that two titles that look the same differ, or a
 * title looks empty: the Default_Ignorable_Code_Point characters of Unicode but the
 * joiners and variation selectors (scripts and emoji need them) - the soft hyphen, the
 * combining grapheme joiner, the Hangul fillers, the Khmer inherent vowels, the Mongolian
 * vowel separator, the zero-width space, the word joiner, the invisible operators and the
 * deprecated format characters, the byte-order mark, U+FFF0..U+FFF8, the interlinear
 * annotation marks, the shorthand format controls, the musical formatting characters and
 * the tag characters with the unassigned rest of their plane's block. */
static bool invisible(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x034f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
	       cp == 0x17b5 || cp == 0x180e || cp == 0x200b || (cp >= 0x2060 && cp <= 0x206f) ||
	       cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb) ||
	       (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
	       (cp >= 0xe0000 && cp <= 0xe00ff) || (cp >= 0xe01f0 && cp <= 0xe0fff);
}

/* What is taken but shows nothing alone: the joiners, the variation selectors (Mongolian
 * ones too) and the Braille blank. A title of these and spaces looks empty. */
static bool blank_mark(uint32_t cp)
{
	return cp == 0x200c || cp == 0x200d || (cp >= 0x180b && cp <= 0x180d) || cp == 0x180f ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef) ||
	       cp == 0x2800;
}

/* The spaces: a title of nothing else looks empty. */
static bool space(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* strict: a new title; otherwise one stored or sent before the invisible characters were
 * refused, which must still read. */
static enum nk_status check(const char *text, const char *field, bool strict,
			    struct nk_error *err)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = text ? strlen(text) : 0, len;
	bool seen = false;
	uint32_t cp;

	if (n == 0)
		return nk_fail(err, NK_EINVAL, field, "a title may not be empty");
	if (n > NK_TITLE_MAX)
		return nk_fail(err, NK_EINVAL, field, "a title is at most %d bytes (this one has "
			       "%zu)", NK_TITLE_MAX, n);
	for (size_t i = 0; i < n; i += len) {
		if ((len = utf8_next(s + i, n - i, &cp)) == 0)
			return nk_fail(err, NK_EINVAL, field, "a title must be UTF-8 text (byte "
				       "%zu is not)", i + 1);
		if (disguising(cp))
			return nk_fail(err, NK_EINVAL, field, "a title may not hold control, line-"
				       "separator or direction characters (U+%04X at byte %zu)",
				       (unsigned)cp, i + 1);
		if (strict && invisible(cp))
			return nk_fail(err, NK_EINVAL, field, "a title may not hold invisible "
				       "characters (U+%04X at byte %zu)", (unsigned)cp, i + 1);
		seen |= !space(cp) && !blank_mark(cp);
	}
	if (strict && !seen)
		return nk_fail(err, NK_EINVAL, field, "a title may not be only spaces");
	return NK_OK;
}

enum nk_status nk_title_check(const char *text, const char *field, struct nk_error *err)
{
	return check(text, field, true, err);
}

enum nk_status nk_title_check_stored(const char *text, const char *field,
				     struct nk_error *err)
{
	return check(text, field, false, err);
}
