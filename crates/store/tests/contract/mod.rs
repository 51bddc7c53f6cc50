//! The Store contract: each test takes a fresh, empty `&dyn Store`.

mod accreditations;
mod basemap;
mod closing;
mod copy;
mod coverage_inputs;
mod feed;
mod file_imports;
mod geocoding;
mod imports;
mod reads;
mod regions;
mod rollout;
mod verified;
mod writes;

pub use accreditations::*;
pub use basemap::*;
pub use closing::*;
pub use copy::*;
pub use coverage_inputs::*;
pub use feed::*;
pub use file_imports::*;
pub use geocoding::*;
pub use imports::*;
pub use reads::*;
pub use regions::*;
pub use rollout::*;
pub use verified::*;
pub use writes::*;
