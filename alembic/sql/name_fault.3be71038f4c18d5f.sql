-- name_fault: why a name a person typed (a trader firm's, a market maker's) is refused, as a sentence naming the
-- field (p_what), or NULL. The database's half of core.validation.parse_name, for the characters that make one name
-- read as another or hide what it says; core checks first, to say it under the field (in the same words where SQL
-- can name the character). tests/integration/test_name_rules.py proves both refuse the same characters:
--   * a control character (Unicode Cc: U+0001-U+001F, U+007F-U+009F);
--   * an invisible formatting character (Unicode Cf: a zero-width space, a byte order mark, a soft hyphen, the
--     bidirectional marks, embeddings, overrides and isolates that show the text reordered). A zero-width
--     non-joiner or joiner is spelling between two letters of a script written with them (Persian, Devanagari):
--     refused at an end or beside what no such script is (ASCII, a space, a Latin letter, punctuation and symbols,
--     Arabic and Devanagari digits and signs, another invisible character; before it, combining accents are read as
--     the letter they sit on). parse_name reads each neighbour's script from its Unicode name, which SQL has no table
--     of, so it also refuses one beside other scripts' non-letters (a private-use character, a symbol): this rule
--     is coarser, never stricter.
--   * a compatibility character: one NFKC turns into other text (a fullwidth or mathematical bold D, the fi
--     ligature, a superscript 2, a no-break space), so the name reads as another; Thai and Lao AM (U+0E33, U+0EB3)
--     excepted, as they are how those languages are typed. Each character of the name composed (NFC), so an accent
--     typed apart from its letter is no compatibility character.
CREATE OR REPLACE FUNCTION name_fault(p_what text, p_name text)
RETURNS text
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN f.control THEN format('%s cannot contain control characters', p_what)
        WHEN f.hidden IS NOT NULL
            THEN format('%s contains an invisible character (U+%s), as pasted text can: type the name without it',
                        p_what, upper(lpad(to_hex(ascii(f.hidden)), 4, '0')))
        WHEN f.odd IS NOT NULL
            THEN format('%s "%s": "%s" (U+%s) is a compatibility character, not a plain "%s": type "%s"', p_what,
                        p_name, f.odd, upper(lpad(to_hex(ascii(f.odd)), 4, '0')), normalize(f.odd, NFKC),
                        normalize(p_name, NFKC))
    END
      FROM (SELECT p_name ~ '[\x01-\x1f\x7f-\x9f]' AS control,
                   coalesce(
                       substring(p_name FROM '[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b'
                                             '\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb'
                                             '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3'
                                             '\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]'),
                       -- a joiner at the start, or after what no joining script is (skipping combining accents)
                       substring(p_name FROM '(?:^|[\x01-\u02ff\u0660-\u0669\u06f0-\u06f9\u060c\u061b\u061f'
                                             '\u066a-\u066d\u06d4\u0964-\u096f\u1e00-\u1eff\u2000-\u2bff'
                                             '\u2c60-\u2c7f\u2e00-\u2e7f\ua700-\ua7ff\uab30-\uab64\uab66-\uab6f'
                                             '\U00010780-\U000107bf\U0001df00-\U0001dfff])[\u0300-\u036f]*'
                                             '([\u200c\u200d])'),
                       -- a joiner at the end, or before what no joining script is
                       substring(p_name FROM '([\u200c\u200d])(?:$|[\x01-\u036f\u0660-\u0669\u06f0-\u06f9\u060c'
                                             '\u061b\u061f\u066a-\u066d\u06d4\u0964-\u096f\u1e00-\u1eff'
                                             '\u2000-\u2bff\u2c60-\u2c7f\u2e00-\u2e7f\ua700-\ua7ff\uab30-\uab64'
                                             '\uab66-\uab6f\U00010780-\U000107bf\U0001df00-\U0001dfff\u200c\u200d])'))
                       AS hidden,
                   (SELECT c FROM regexp_split_to_table(normalize(p_name, NFC), '') AS c
                     WHERE c NOT IN (U&'\0E33', U&'\0EB3') AND normalize(c, NFKC) <> c
                     LIMIT 1) AS odd) f;
$$;
