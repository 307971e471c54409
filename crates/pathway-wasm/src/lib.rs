//! WebAssembly bindings for pathway.
