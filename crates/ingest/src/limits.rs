//! What an imported file may hold at most. A file beyond a limit is refused
//! as a whole with an error naming the limit, the line and how to override
//! it, so a broken or hostile file (a zip bomb, an unclosed quote that swallows
//! the rest of the file into one value, a 50 MB "name") can neither exhaust
//! memory nor reach the database.
//!
//! Every limit has a documented default ([`Limits::default`]); the ones a desk
//! could need to raise for a legitimately large national file (file size, rows,
//! field length) can be overridden on the command line.

/// Default for [`Limits::max_file_bytes`]: 64 MiB. The largest national list
/// renkei reads (WAM NET 短期入所) is 3.5 MB; 医療情報ネット's national clinic
/// file is about 40 MB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Default for [`Limits::max_zip_ratio`]: a zip member may expand to at most
/// 200 times its compressed size (CSV text compresses 5–20 times).
pub const DEFAULT_MAX_ZIP_RATIO: u64 = 200;
/// Default for [`Limits::max_record_bytes`]: 64 KiB of text per record (one
/// CSV row, with any line breaks inside quoted cells). The longest real row
/// seen is under 2 KB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 64 * 1024;
/// Default for [`Limits::max_field_chars`]: 2,000 characters in any cell.
pub const DEFAULT_MAX_FIELD_CHARS: usize = 2_000;
/// Most characters in a name column (施設名, 事業所名, 正式名称 …).
pub const MAX_NAME_CHARS: usize = 300;
/// Most characters in an address column (住所, 所在地 …).
pub const MAX_ADDRESS_CHARS: usize = 500;
/// Default for [`Limits::max_rows`]: 1,000,000 data rows per file.
pub const DEFAULT_MAX_ROWS: usize = 1_000_000;
/// Default for [`Limits::max_misshapen_share`]: 1 % of the rows may have
/// another number of fields than the header (each is rejected alone); more
/// means the file is broken and it is refused.
pub const DEFAULT_MAX_MISSHAPEN_SHARE: f64 = 0.01;

/// The limits one import applies to each file it reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most bytes in a file, or in all members of a zip together, uncompressed.
    pub max_file_bytes: u64,
    /// Most a zip member may expand, as uncompressed ÷ compressed size.
    pub max_zip_ratio: u64,
    /// Most bytes of decoded text in one CSV record (one row).
    pub max_record_bytes: usize,
    /// Most characters in one cell; name and address columns have the
    /// tighter [`MAX_NAME_CHARS`] and [`MAX_ADDRESS_CHARS`].
    pub max_field_chars: usize,
    /// Most data rows in one file.
    pub max_rows: usize,
    /// Largest share (0–1) of rows whose number of fields differs from the
    /// header's before the whole file is refused.
    pub max_misshapen_share: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_zip_ratio: DEFAULT_MAX_ZIP_RATIO,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            max_field_chars: DEFAULT_MAX_FIELD_CHARS,
            max_rows: DEFAULT_MAX_ROWS,
            max_misshapen_share: DEFAULT_MAX_MISSHAPEN_SHARE,
        }
    }
}

impl Limits {
    /// Most characters a cell of the column headed `header` may hold: names
    /// and addresses are short in every list, so a long one means a broken file.
    pub fn field_chars(&self, header: &str) -> usize {
        let is = |words: &[&str]| words.iter().any(|w| header.contains(w));
        let column = if is(&["住所", "所在地"]) && !is(&["座標", "緯度", "経度"]) {
            MAX_ADDRESS_CHARS
        } else if is(&["名称", "事業所名", "施設名", "機関名", "学校名"]) || header == "name"
        {
            MAX_NAME_CHARS
        } else {
            usize::MAX
        };
        column.min(self.max_field_chars)
    }

    /// Whether `misshapen` rows of `rows` are more than the allowed share.
    pub fn too_misshapen(&self, misshapen: usize, rows: usize) -> bool {
        misshapen > 0 && misshapen as f64 > self.max_misshapen_share * rows as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_are_tighter_than_other_cells() {
        let limits = Limits::default();
        assert_eq!(limits.field_chars("事業所名"), MAX_NAME_CHARS);
        assert_eq!(limits.field_chars("正式名称（フリガナ）"), MAX_NAME_CHARS);
        assert_eq!(limits.field_chars("所在地"), MAX_ADDRESS_CHARS);
        assert_eq!(
            limits.field_chars("所在地座標（緯度）"),
            DEFAULT_MAX_FIELD_CHARS
        );
        assert_eq!(limits.field_chars("備考"), DEFAULT_MAX_FIELD_CHARS);
        assert!(!limits.too_misshapen(1, 100));
        assert!(limits.too_misshapen(2, 100));
        assert!(limits.too_misshapen(1, 3));
    }
}
