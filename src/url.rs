//! The URL gate: the one allow-list every URL from the content passes
//! before it may reach an `href` or `src` attribute.
//!
//! Allowed: `http:`, `https:` and `mailto:` URLs, and URLs without a scheme
//! (relative paths such as `../x.html` or `/abs`, scheme-relative `//host/…`,
//! which inherit the page's http(s), fragments `#…` and queries `?…`).
//! Everything else (`javascript:`, `vbscript:`, `data:`, `file:`, unknown
//! schemes) is refused. Markdown links and images are checked as they are
//! rendered ([`crate::format::markdown`]); URLs in YAML (`license.url`,
//! `sources[].url`, `base_url`) are checked by `hyoka check`, and
//! `--base-url` by `hyoka build` before anything is touched.
//!
//! # How the scheme is found
//!
//! The decision is deliberately more suspicious than any browser, so that no
//! spelling of a scheme a browser would run slips through:
//!
//! 1. HTML character references are decoded once: numeric ones (`&#74;`,
//!    `&#x6A;`, with or without the `;`, as the HTML parser accepts) and the
//!    named ones that stand for characters that matter to a scheme
//!    (`&Tab;`, `&NewLine;`, `&colon;`, `&plus;`, `&period;`, `&percnt;`,
//!    `&amp;`).
//! 2. `%XX` escapes of ASCII characters are decoded once.
//! 3. ASCII whitespace and every control character (C0, DEL, C1) are
//!    removed, wherever they are.
//! 4. The scheme is whatever comes before the first `:` when no `/`, `\`,
//!    `?` or `#` comes first; it is compared case-insensitively. With no
//!    such `:` the URL has no scheme and is relative.
//!
//! Which of these a browser itself treats as a scheme:
//!
//! - Case never matters (`JavaScript:`, `  JAVASCRIPT:` after the leading
//!   spaces are stripped) and tab, LF and CR are removed anywhere in a URL
//!   (`java\tscript:`); leading C0 controls and spaces are stripped
//!   (`\x01javascript:`). All of these run as `javascript:`.
//! - Character references (`&#74;avascript:`, `&#x6A;avascript:`,
//!   `javascript&colon;`, `jav&#x0A;ascript:`) are decoded by the HTML parser
//!   in an attribute, and by CommonMark in a markdown link destination, so
//!   in markdown they *are* the scheme they spell. In a YAML value they reach
//!   the page escaped (`&amp;#74;…`) and would be harmless, but they are
//!   refused there too: one rule for every URL.
//! - Percent escapes are *not* decoded in a scheme by browsers
//!   (`%6Aavascript:` is a relative path to them). They are refused anyway,
//!   because a page that is later re-encoded or decoded by other tools would
//!   turn them into a live scheme, and no honest link is written that way.
//! - A control character *inside* a scheme (`java\x01script:`) makes
//!   browsers treat the URL as relative; the gate removes it and refuses.
//!
//! The cost of the suspicion: a relative path whose first segment contains a
//! `:` (`10:30.html`) is taken for a scheme; write it as `./10:30.html`, as
//! RFC 3986 asks anyway.

use std::fmt;

/// Schemes a URL may have (lowercase).
pub const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// How to write an allowed URL, for hints.
pub const HINT: &str =
    "http:// か https:// で始まるURL、mailto:、または相対パス（例: ../x.html、#見出し）で書いてください";

/// Why a URL was refused: its scheme, as the gate read it (decoded,
/// lowercase, without whitespace or control characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The scheme found before the `:` (may be empty).
    pub scheme: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep messages short whatever the input.
        let shown: String = self.scheme.chars().take(32).collect();
        let more = if self.scheme.chars().count() > 32 {
            "…"
        } else {
            ""
        };
        write!(f, "「{shown}{more}:」で始まるURLは使えません")
    }
}

/// Lets `raw` through unchanged when its scheme is allowed (see the module
/// documentation for how the scheme is read), or says which scheme it has.
pub fn safe_url(raw: &str) -> Result<&str, Refusal> {
    match scheme(raw) {
        None => Ok(raw),
        Some(s) if ALLOWED_SCHEMES.contains(&s.as_str()) => Ok(raw),
        Some(s) => Err(Refusal { scheme: s }),
    }
}

/// A checked public base URL, parsed by the `url` crate (WHATWG URL
/// Standard): `http` or `https`, with a host, its path ending in `/` (one is
/// added when missing), so page paths join below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

impl BaseUrl {
    /// The URL as text (normalised: lowercase scheme and host, punycode,
    /// percent-encoded path), ending in `/`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// `path` (a site-relative path hyoka made, such as
    /// `projects/x.html`) resolved against the base.
    pub fn join(&self, path: &str) -> String {
        match self.0.join(path) {
            Ok(u) => u.into(),
            // Unreachable for hyoka's own paths; keep the plain sum.
            Err(_) => format!("{}{path}", self.0),
        }
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// Checks a public base URL (`base_url` in `site.yaml`, `--base-url`) and
/// parses it: it passes [`safe_url`], is written `http://` or `https://`
/// with a host, and has no whitespace, control character, backslash, user
/// name, query or fragment (page paths are appended to it). A missing
/// trailing `/` is added. This is the one place that decides what a base URL
/// is; everything that makes an absolute URL uses [`BaseUrl::join`]. The
/// error is the reason, in Japanese, for a hint.
pub fn base_url(raw: &str) -> Result<BaseUrl, &'static str> {
    const NOT_HTTP: &str = "http:// か https:// で始まり、ホスト名のあるURLで書いてください（例: https://city.example/hyoka/）";
    if safe_url(raw).is_err() {
        return Err(NOT_HTTP);
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("空白や制御文字を含めないでください");
    }
    let lower = raw.to_ascii_lowercase();
    // The URL Standard reads `https:city.example` and `https:///x` as
    // hosts; a base URL is written out in full.
    let rest = if lower.starts_with("https://") {
        &raw["https://".len()..]
    } else if lower.starts_with("http://") {
        &raw["http://".len()..]
    } else {
        return Err(NOT_HTTP);
    };
    if rest.contains('\\') {
        return Err("\\ ではなく / で区切ってください");
    }
    if rest.contains(['?', '#']) {
        return Err("? や # を含めないでください（ページのパスがURLの後ろにつながります）");
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.contains('@') {
        return Err("ユーザー名やパスワード（@ の前の部分）を含めないでください");
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(NOT_HTTP);
    }
    let mut url = url::Url::parse(raw).map_err(|_| NOT_HTTP)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(NOT_HTTP);
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(BaseUrl(url))
}

/// The scheme of `raw` as the gate reads it, lowercase; `None` when it has
/// none (relative, fragment, query).
fn scheme(raw: &str) -> Option<String> {
    let decoded = percent_decode_ascii(&decode_references(raw));
    let mut s = String::new();
    for c in decoded.chars() {
        match c {
            ':' => return Some(s),
            '/' | '\\' | '?' | '#' => return None,
            c if c.is_control() || c.is_ascii_whitespace() => {}
            c => s.extend(c.to_lowercase()),
        }
    }
    None
}

/// Decodes HTML character references once: numeric ones, and the named ones
/// that spell characters that matter to a scheme. Others stay as written.
fn decode_references(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("colon;", ':'),
        ("plus;", '+'),
        ("period;", '.'),
        ("percnt;", '%'),
        ("amp;", '&'),
        ("AMP;", '&'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some((c, len)) = numeric_reference(after) {
            out.push(c);
            rest = &after[len..];
        } else if let Some((name, c)) = NAMED.iter().find(|(n, _)| after.starts_with(n)) {
            out.push(*c);
            rest = &after[name.len()..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `#106;` / `#x6A` after an `&`: the character and the length read.
/// Invalid code points become U+FFFD, as in HTML.
fn numeric_reference(s: &str) -> Option<(char, usize)> {
    let body = s.strip_prefix('#')?;
    let (hex, digits) = match body.strip_prefix(['x', 'X']) {
        Some(h) => (true, h),
        None => (false, body),
    };
    let n = digits
        .bytes()
        .take_while(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
        .count();
    if n == 0 {
        return None;
    }
    let value = u32::from_str_radix(&digits[..n], if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
    let c = char::from_u32(value)
        .filter(|&c| c != '\0')
        .unwrap_or('\u{FFFD}');
    let mut len = 1 + usize::from(hex) + n;
    if s[len..].starts_with(';') {
        len += 1;
    }
    Some((c, len))
}

/// Decodes `%XX` escapes of ASCII characters once; others stay as written.
fn percent_decode_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let byte = after
            .get(..2)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .filter(u8::is_ascii);
        match byte {
            Some(b) => {
                out.push(char::from(b));
                rest = &after[2..];
            }
            None => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An e-mail address as DCAT-US's `hasEmail` accepts it (after `mailto:`):
/// `local@domain.tld`, the local part of letters, digits and
/// `_~!$&'()*+,;=:.-`, the domain of letters, digits, `.` and `-`.
pub fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let word = |c: char| c.is_alphanumeric() || c == '_';
    !local.is_empty()
        && local
            .chars()
            .all(|c| word(c) || "~!$&'()*+,;=:.-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| word(c) || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile spellings and the scheme the gate must read in each.
    const REFUSED: &[(&str, &str)] = &[
        ("javascript:alert(1)", "javascript"),
        ("JavaScript:alert(1)", "javascript"),
        ("  JAVASCRIPT:alert(1)", "javascript"),
        ("java\tscript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("\x01javascript:alert(1)", "javascript"),
        ("java\x01script:alert(1)", "javascript"),
        ("\u{0085}javascript:alert(1)", "javascript"),
        ("&#74;avascript:alert(1)", "javascript"),
        ("&#0000074avascript:alert(1)", "javascript"),
        ("&#x6A;avascript:alert(1)", "javascript"),
        ("&#X6a;avascript:alert(1)", "javascript"),
        ("javascript&colon;alert(1)", "javascript"),
        ("jav&#x0A;ascript:alert(1)", "javascript"),
        ("jav&Tab;ascript:alert(1)", "javascript"),
        ("javascript&#58;alert(1)", "javascript"),
        ("%6Aavascript:alert(1)", "javascript"),
        ("javascript%3Aalert(1)", "javascript"),
        ("&percnt;6Aavascript:alert(1)", "javascript"),
        ("vbscript:msgbox(1)", "vbscript"),
        ("VBScript:msgbox(1)", "vbscript"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("data:image/svg+xml;base64,PHN2Zz4=", "data"),
        ("file:///etc/passwd", "file"),
        ("ｊａｖａｓｃｒｉｐｔ:alert(1)", "ｊａｖａｓｃｒｉｐｔ"),
        (":no-scheme", ""),
        ("10:30.html", "10"),
    ];

    const ALLOWED: &[&str] = &[
        "https://a.example/x?y#z",
        "http://a.example/",
        "HTTPS://A.EXAMPLE/",
        "mailto:a@b.example",
        "../x.html",
        "./10:30.html",
        "#top",
        "?page=2",
        "x.html",
        "/abs",
        "//cdn.example/x.png",
        "",
        "資料.pdf",
        "a/b:c",
        "x.html#javascript:alert(1)",
        "x.html?next=javascript:alert(1)",
        "https://a.example/?a=1&amp;b=2",
        "%E8%B3%87%E6%96%99.pdf",
    ];

    #[test]
    fn hostile_urls_are_refused_with_the_scheme_read() {
        for (raw, scheme) in REFUSED {
            assert_eq!(
                safe_url(raw),
                Err(Refusal {
                    scheme: scheme.to_string()
                }),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn good_urls_pass_unchanged() {
        for raw in ALLOWED {
            assert_eq!(safe_url(raw), Ok(*raw), "{raw:?}");
        }
    }

    #[test]
    fn refusal_message_names_the_scheme_briefly() {
        let e = safe_url("javascript:x").unwrap_err();
        assert_eq!(e.to_string(), "「javascript:」で始まるURLは使えません");
        let long = format!("{}:x", "a".repeat(100));
        let e = safe_url(&long).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("「{}…:」で始まるURLは使えません", "a".repeat(32))
        );
    }

    #[test]
    fn references_decode_once_and_keep_unknown_ones() {
        assert_eq!(decode_references("a&#74;b&#x6a;c&colon;"), "aJbjc:");
        assert_eq!(decode_references("&amp;#74;"), "&#74;");
        assert_eq!(decode_references("&unknown;&#;&#x;&"), "&unknown;&#;&#x;&");
        assert_eq!(decode_references("&#0;&#99999999;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(percent_decode_ascii("%6a%3A%E3%8%"), "j:%E3%8%");
    }

    #[test]
    fn base_urls_must_be_http_with_a_host() {
        for ok in [
            "https://city.example/hyoka/",
            "https://city.example/hyoka",
            "http://city.example",
            "HTTPS://City.Example/",
            "http://[::1]:8000/",
            "http://localhost:8000/",
        ] {
            assert!(base_url(ok).is_ok(), "{ok}");
        }
        for (raw, parsed) in [
            ("https://city.example/hyoka", "https://city.example/hyoka/"),
            ("HTTPS://City.Example/", "https://city.example/"),
            ("http://city.example", "http://city.example/"),
            (
                "https://市役所.example/評価/",
                "https://xn--7sto6a74d.example/%E8%A9%95%E4%BE%A1/",
            ),
        ] {
            assert_eq!(
                base_url(raw).map(|b| b.to_string()),
                Ok(parsed.to_string()),
                "{raw}"
            );
        }
        let b = base_url("https://city.example/hyoka").expect("valid");
        assert_eq!(
            b.join("projects/x.html"),
            "https://city.example/hyoka/projects/x.html"
        );
        assert_eq!(
            b.join("data/catalog.json"),
            "https://city.example/hyoka/data/catalog.json"
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "ftp://city.example/",
            "city.example/hyoka/",
            "/hyoka/",
            "//city.example/",
            "",
            "https://",
            "https:///path",
            "https://:8000/",
            "https:city.example",
            "https://city.example/?x=1",
            "https://city.example/#top",
            "https://user:pw@city.example/",
            "https://city.example/ hyoka/",
            " https://city.example/",
            "https://city.example/\n",
            "https://city.example\\hyoka/",
            "https://exa mple.com/",
            "https://[::1/",
            "mailto:a@b.example",
        ] {
            assert!(base_url(bad).is_err(), "{bad:?}");
        }
    }
}
