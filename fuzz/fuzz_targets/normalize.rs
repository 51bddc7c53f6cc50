//! The Japanese text normaliser and the display cleaners on arbitrary text:
//! no panic, and folding is idempotent (a folded key folds to itself).
#![no_main]

use libfuzzer_sys::fuzz_target;
use renkei_core::normalize::{fold, fold_address, fold_search};
use renkei_core::source_text::{clean_address, clean_name};

fuzz_target!(|text: &str| {
    let folded = fold(text);
    assert_eq!(fold(&folded), folded, "fold is idempotent");
    let search = fold_search(text);
    assert_eq!(fold_search(&search), search, "fold_search is idempotent");
    let _ = fold_address(text);
    let _ = clean_name(text);
    let _ = clean_address(text);
});
