//! Writes `examples/form-import/sample.xlsx`: the evaluation sheet of one
//! shipped project, filled in through `map.yaml` (the form `hyoka import
//! --form` reads back). Run: `cargo run --example form-import`.

use std::path::Path;
use std::process::ExitCode;

const PROJECT: &str = "chiho-sogo-senryaku-suishin";

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("examples/form-import");
    let content = match hyoka::pipeline::load(&root.join("content")) {
        Ok(c) => c,
        Err(d) => {
            eprint!("{}", d.human());
            return ExitCode::FAILURE;
        }
    };
    let map = match hyoka::import::form::Map::load(&dir.join("map.yaml")) {
        Ok(m) => m,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let Some((_, project)) = content.projects().find(|(_, p)| p.id == PROJECT) else {
        eprintln!("error: {PROJECT} がありません");
        return ExitCode::FAILURE;
    };
    match hyoka::import::form::render(&map, &content, project)
        .map_err(|e| e.to_string())
        .and_then(|b| std::fs::write(dir.join("sample.xlsx"), b).map_err(|e| e.to_string()))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
