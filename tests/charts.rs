//! Charts from the binary: drawn with no fonts installed, and redrawn identically from CSV.

use std::path::PathBuf;
use std::process::Command;

fn revsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_revsim"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("revsim-charts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn charts_render_with_no_fonts_on_the_machine_and_redraw_identically() {
    let out = scratch("nofonts");
    let empty = scratch("empty-fonts");
    std::fs::create_dir_all(&empty).unwrap();
    let fonts_conf = empty.join("fonts.conf");
    std::fs::write(&fonts_conf, "<?xml version=\"1.0\"?><fontconfig></fontconfig>").unwrap();
    let baseline = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.ron");
    let result = revsim()
        .args([
            "run",
            baseline.to_str().unwrap(),
            "--scale",
            "20000",
            "--png",
            "--width",
            "800",
            "--height",
            "500",
            "--out",
        ])
        .arg(&out)
        .env("FONTCONFIG_FILE", &fonts_conf)
        .env("XDG_DATA_HOME", &empty)
        .env("HOME", &empty)
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let png = out.join("charts/red_army.png");
    let image = image::open(&png).unwrap().to_rgb8();
    assert_eq!(image.dimensions(), (800, 500));
    // The title sits in the top band: some of its pixels are dark.
    let dark = (0..image.width())
        .flat_map(|x| (0..image.height() / 10).map(move |y| (x, y)))
        .filter(|&(x, y)| image.get_pixel(x, y).0.iter().all(|c| *c < 100))
        .count();
    assert!(dark > 50, "the title was drawn ({dark} dark pixels)");
    let svg = std::fs::read_to_string(out.join("charts/dashboard.svg")).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok(), "well-formed SVG");
    // Redraw from the CSV files alone.
    let before: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(before.len() > 40);
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    let redraw = revsim().arg("chart").arg(&out).args(["--png", "--width", "800", "--height", "500"]).output().unwrap();
    assert!(redraw.status.success(), "{}", String::from_utf8_lossy(&redraw.stderr));
    for (name, bytes) in before {
        let again = std::fs::read(out.join("charts").join(&name)).unwrap();
        assert!(again == bytes, "{name} differs when redrawn from the CSV files");
    }
    std::fs::remove_dir_all(out).unwrap();
    std::fs::remove_dir_all(empty).unwrap();
}
