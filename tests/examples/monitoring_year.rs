//! Writes a deterministic year of anonymised monitoring records (JSON Lines) to standard
//! output: the fixture `fixtures/monitoring/year-2026.jsonl` for `pathway stats`.
//!
//! ```sh
//! cargo run -p pathway-tests --example monitoring_year > fixtures/monitoring/year-2026.jsonl
//! ```
//!
//! The tests regenerate it and compare, so a change of content or generator shows in review.

fn main() {
    let bundle = pathway::bundled().unwrap_or_else(|e| panic!("{e}"));
    for record in pathway_tests::monitoring_year::records(&bundle, 2026, 600) {
        println!("{}", record.to_json());
    }
}
