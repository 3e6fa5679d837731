//! Element ids of a chart: a stable hash of what the chart says, so two
//! different charts on one page never share an id and the same chart
//! always gets the same one.
//!
//! Owns: [`chart_id`]. Must not: depend on anything but its input (no
//! randomness, no Rust-version-dependent hasher).

/// The id of a chart of `kind` with `title` and `desc`
/// (`hyoka-chart-` and 16 hex digits).
///
/// The id depends on what the chart says (kind, title, and the
/// description, which carries every number), not on the drawn body:
/// equally unique within a page, and a quarter of the work to hash.
pub(super) fn chart_id(kind: &str, title: &str, desc: &str) -> String {
    let mut hasher = Fnv::default();
    for part in [kind, title, desc] {
        hasher.write(part.as_bytes());
        hasher.write(&[0]);
    }
    let mut id = String::with_capacity(28);
    id.push_str("hyoka-chart-");
    push_hex16(&mut id, hasher.0);
    id
}

/// Appends `v` as 16 lowercase hex digits.
fn push_hex16(out: &mut String, v: u64) {
    for shift in (0..16).rev() {
        let digit = ((v >> (shift * 4)) & 0xf) as u8;
        out.push(char::from(if digit < 10 {
            b'0' + digit
        } else {
            b'a' + digit - 10
        }));
    }
}

/// versions) for element ids.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
