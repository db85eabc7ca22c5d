//! The Okusuri Desk executable.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The allocator the CLI uses too: much faster with the many small strings
// of medication histories and JAHIS files.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    okusuri_desk::run();
}
