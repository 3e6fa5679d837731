//! HTTP/1.1 for `hyoka serve`: request heads parsed and bounded, paths
//! percent-decoded and checked, response heads and the refusals (4xx/5xx)
//! with their Japanese bodies. Pure functions over bytes: no sockets here.

use std::borrow::Cow;

/// The `Content-Type` of a served file, from its extension; text types say
/// they are UTF-8 (as every file hyoka writes is).
pub(super) fn content_type(path: &str) -> Cow<'static, str> {
    let raw = mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream");
    if raw.starts_with("text/") || raw == "application/javascript" {
        Cow::Owned(format!("{raw}; charset=utf-8"))
    } else {
        Cow::Borrowed(raw)
    }
}

/// The request path of `target` (up to `?` or `#`), percent-decoded; `None`
/// when it is not valid UTF-8 or could name anything outside the site: `.`
/// or `..` segments, backslashes, NUL or other control characters.
pub(super) fn decode_path(target: &[u8]) -> Option<String> {
    let end = target
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(target.len());
    let raw = &target[..end];
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    let safe = path.starts_with('/')
        && !path.chars().any(|c| c == '\\' || c.is_control())
        && !path.split('/').any(|seg| seg == "." || seg == "..");
    safe.then_some(path)
}

/// The `since` query parameter of `target`.
pub(super) fn since(target: &[u8]) -> Option<u64> {
    let target = std::str::from_utf8(target).ok()?;
    let (_, query) = target.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
}

/// A parsed request head.
pub(super) struct Request<'a> {
    pub(super) head_only: bool,
    pub(super) target: &'a [u8],
    pub(super) keep_alive: bool,
    pub(super) http10: bool,
}

/// A response that ends the connection: status, message and hint.
pub(super) type Refusal = (u16, &'static str, &'static str);

pub(super) const BAD_REQUEST: Refusal = (
    400,
    "リクエストの形が正しくありません",
    "ブラウザでページを開き直してください",
);
pub(super) const BAD_PATH: Refusal = (
    400,
    "パスに使えない文字（.. や . の区切り、\\、制御文字）が含まれています",
    "サイトのページはリンクをたどって開いてください",
);
pub(super) const NOT_ALLOWED: Refusal = (
    405,
    "hyoka serve は GET と HEAD のリクエストだけを受け付けます",
    "ページはブラウザで開いてください",
);
pub(super) const TIMEOUT: Refusal = (
    408,
    "リクエストが時間内に届かなかったため、接続を切りました",
    "ページを開き直してください",
);
pub(super) const WITH_BODY: Refusal = (
    413,
    "本文のあるリクエストは受け付けません",
    "GET か HEAD で、本文なしで送ってください",
);
pub(super) const HEAD_TOO_LARGE: Refusal = (
    431,
    "リクエストのヘッダーが大きすぎます（16 KiB まで）",
    "127.0.0.1 の Cookie を削除してから開き直してください",
);
pub(super) const BUSY: Refusal = (
    503,
    "同時に開いている接続が多すぎます（128 まで）",
    "しばらく待ってから開き直してください",
);
pub(super) const STREAMS_BUSY: Refusal = (
    503,
    "自動更新の接続が多すぎます（64 まで）",
    "開いているタブを減らしてから開き直してください",
);
pub(super) const FOREIGN_HOST: Refusal = (
    403,
    "このサーバーは 127.0.0.1 と localhost の名前でだけ応答します",
    "http://127.0.0.1:ポート番号/ で開いてください（別の名前で開くと、よそのサイトが手元のページを読めてしまいます）",
);
pub(super) const VERSION: Refusal = (
    505,
    "HTTP/1.0 と HTTP/1.1 だけに対応しています",
    "ブラウザでページを開いてください",
);

pub(super) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

pub(super) fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

pub(super) fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// A `Host` header naming this machine by its loopback address or as
/// localhost (with any port).
pub(super) fn local_host(value: &[u8]) -> bool {
    let host = if value.starts_with(b"[") {
        match value.iter().position(|&b| b == b']') {
            Some(end) => &value[..=end],
            None => return false,
        }
    } else {
        match value.iter().position(|&b| b == b':') {
            Some(colon) => &value[..colon],
            None => value,
        }
    };
    let rest = &value[host.len()..];
    let port_ok = rest.is_empty()
        || (rest.len() > 1 && rest[0] == b':' && rest[1..].iter().all(u8::is_ascii_digit));
    port_ok && (host == b"127.0.0.1" || host == b"[::1]" || host.eq_ignore_ascii_case(b"localhost"))
}

/// Parses a request head (request line and headers, without the blank line).
pub(super) fn parse(head: &[u8]) -> Result<Request<'_>, Refusal> {
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let line = lines.next().unwrap_or_default();
    let mut parts = line.split(|&b| b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD_REQUEST);
    };
    let http10 = match version {
        b"HTTP/1.1" => false,
        b"HTTP/1.0" => true,
        v if v.starts_with(b"HTTP/") => return Err(VERSION),
        _ => return Err(BAD_REQUEST),
    };
    let head_only = match method {
        b"GET" => false,
        b"HEAD" => true,
        m if is_token(m) => return Err(NOT_ALLOWED),
        _ => return Err(BAD_REQUEST),
    };
    if !target.starts_with(b"/") {
        return Err(BAD_REQUEST);
    }
    let mut keep_alive = !http10;
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let colon = line.iter().position(|&b| b == b':').ok_or(BAD_REQUEST)?;
        let (name, value) = (&line[..colon], trim(&line[colon + 1..]));
        // Also refuses obsolete line folding (a line starting with a space).
        if !is_token(name) {
            return Err(BAD_REQUEST);
        }
        if name.eq_ignore_ascii_case(b"host") && !local_host(value) {
            // DNS rebinding: a page of another site, resolved to 127.0.0.1,
            // must not read the local preview.
            return Err(FOREIGN_HOST);
        }
        if name.eq_ignore_ascii_case(b"connection") {
            for opt in value.split(|&b| b == b',').map(trim) {
                if opt.eq_ignore_ascii_case(b"close") {
                    keep_alive = false;
                } else if opt.eq_ignore_ascii_case(b"keep-alive") && http10 {
                    keep_alive = true;
                }
            }
        } else if (name.eq_ignore_ascii_case(b"content-length") && value != b"0")
            || name.eq_ignore_ascii_case(b"transfer-encoding")
        {
            return Err(WITH_BODY);
        }
    }
    Ok(Request {
        head_only,
        target,
        keep_alive,
        http10,
    })
}

/// Length of the request head at the start of `input` (through its blank
/// line), when it is complete.
pub(super) fn head_len(input: &[u8]) -> Option<usize> {
    input.iter().enumerate().find_map(|(i, &b)| {
        if b != b'\n' {
            return None;
        }
        match input.get(i + 1..) {
            Some([b'\n', ..]) => Some(i + 2),
            Some([b'\r', b'\n', ..]) => Some(i + 3),
            _ => None,
        }
    })
}

/// Response head (status line and headers).
pub(super) fn response_head(
    status: u16,
    ctype: &str,
    len: usize,
    close: bool,
    http10: bool,
    extra: &str,
) -> Vec<u8> {
    let connection = if close {
        "Connection: close\r\n"
    } else if http10 {
        "Connection: keep-alive\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n{connection}{extra}\r\n",
        reason(status)
    )
    .into_bytes()
}

pub(super) fn refusal_body((_, message, hint): Refusal) -> String {
    format!("{message}\n  = ヒント: {hint}\n")
}

/// A whole 503 response for a connection over [`MAX_CONNS`].
pub(super) fn busy_response() -> Vec<u8> {
    let body = refusal_body(BUSY);
    let mut out = response_head(
        BUSY.0,
        "text/plain; charset=utf-8",
        body.len(),
        true,
        false,
        "Retry-After: 1\r\n",
    );
    out.extend_from_slice(body.as_bytes());
    out
}
