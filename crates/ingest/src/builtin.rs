//! Files compiled into the binary (fetch plans, mappings): found by name, and
//! a name that is not there is an error listing the ones that are.

use crate::{IngestError, IngestResult};

/// The `(name, text)` entry of `files` called `name`; `what` says what the
/// files are in the error ("fetch plan for prefecture", "built-in mapping"),
/// and `folder` where they come from.
pub(crate) fn find<'a>(
    files: &'a [(&'a str, &'a str)],
    name: &str,
    what: &str,
    folder: &str,
) -> IngestResult<&'a (&'a str, &'a str)> {
    files
        .iter()
        .find(|(known, _)| *known == name)
        .ok_or_else(|| IngestError::Format {
            file: folder.into(),
            reason: format!(
                "no {what} {name}; there are: {}",
                files
                    .iter()
                    .map(|(known, _)| *known)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}
