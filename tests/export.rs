use std::path::Path;

#[test]
#[ignore]
fn scratch() {
    let c = hyoka::load::load(Path::new("content")).unwrap();
    let files = hyoka::export::export(&c, "2024-05-01");
    hyoka::output::write_site(Path::new("/tmp/hyoka-scratch"), &files).unwrap();
}
