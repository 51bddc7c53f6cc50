//! The Store contract: each test takes a fresh, empty `&dyn Store`.

mod feed;
mod reads;
mod writes;

pub use feed::*;
pub use reads::*;
pub use writes::*;
