//! What every chart shares: rendering to SVG/PNG files (atomically), the title block, the
//! legend, the source line, and text helpers.

use std::fs;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{Dash, MUTED, Marker, TEXT, Units};
use super::{ChartError, ChartOptions};

/// Turns a plotters error into a [`ChartError`].
pub(crate) trait OrDraw<T> {
    fn d(self) -> Result<T, ChartError>;
}

impl<T, E: std::fmt::Display> OrDraw<T> for Result<T, E> {
    fn d(self) -> Result<T, ChartError> {
        self.map_err(|e| ChartError::Draw(e.to_string()))
    }
}

/// A chart that can draw itself on any plotters backend.
pub(crate) trait Plot {
    /// File name without extension.
    fn name(&self) -> String;
    /// The canvas height for a canvas `width` wide whose requested height is `height`; charts
    /// with a variable number of rows may ask for more.
    fn height(&self, _width: u32, height: u32, _u: Units) -> u32 {
        height
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, u: Units) -> Result<(), ChartError>;
}

/// Writes `dir/<name>.svg` (and `.png` when asked); returns the files written.
pub(crate) fn render<P: Plot>(dir: &Path, opts: &ChartOptions, plot: &P) -> Result<Vec<PathBuf>, ChartError> {
    fs::create_dir_all(dir).map_err(|source| ChartError::Io { path: dir.to_path_buf(), source })?;
    let name = plot.name();
    let mut out = Vec::new();
    // Print: text and lines a third larger, to stay legible at a column's width.
    let scale = opts.scale * if opts.style == super::ChartStyle::Print { 1.35 } else { 1.0 };

    // SVG: shown at half the PNG size, so that text sizes are those of a web page, but drawn
    // on a canvas twice as fine (through the viewBox): plotters rounds to whole pixels.
    let (w, h0) = (opts.width.div_ceil(2).max(200), opts.height.div_ceil(2).max(150));
    let u = units(2 * w, 2 * h0, scale);
    let h = plot.height(2 * w, 2 * h0, u).div_ceil(2);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (2 * w, 2 * h)).into_drawing_area();
        plot.draw(&root, u)?;
        root.present().d()?;
    }
    let (fine, shown) = (
        format!(r#"<svg width="{}" height="{}" viewBox="0 0 {} {}""#, 2 * w, 2 * h, 2 * w, 2 * h),
        format!(r#"<svg width="{w}" height="{h}" viewBox="0 0 {} {}""#, 2 * w, 2 * h),
    );
    let svg = match svg.strip_prefix(&fine) {
        Some(rest) => format!("{shown}{rest}"),
        None => svg,
    };
    let path = dir.join(format!("{name}.svg"));
    write_atomic(&path, svg.as_bytes())?;
    out.push(path);

    if opts.png {
        let (w, h0) = (opts.width.max(200), opts.height.max(150));
        let u = units(w, h0, scale);
        let h = plot.height(w, h0, u);
        let path = dir.join(format!("{name}.png"));
        // The encoder picks the format from the extension, so the temporary name ends in .png.
        let tmp = dir.join(format!(".{name}.tmp.png"));
        let drawn = (|| {
            let root = BitMapBackend::new(&tmp, (w, h)).into_drawing_area();
            plot.draw(&root, u)?;
            root.present().d()
        })();
        let done = drawn
            .and_then(|()| fs::rename(&tmp, &path).map_err(|source| ChartError::Io { path: path.clone(), source }));
        if let Err(e) = done {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        out.push(path);
    }
    Ok(out)
}

fn units(w: u32, h: u32, scale: f64) -> Units {
    let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
    Units((f64::from(w) / 800.0).min(f64::from(h) / 500.0) * scale)
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ChartError> {
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file}.tmp"));
    let io = |source| ChartError::Io { path: path.to_path_buf(), source };
    fs::write(&tmp, bytes).map_err(io)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io(e)
    })
}

/// Width and height of `text` in `style`, in pixels.
pub(crate) fn text_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> (i32, i32) {
    if text.is_empty() {
        return (0, 0);
    }
    area.estimate_text_size(text, style).map(|(w, h)| (w as i32, h as i32)).unwrap_or((text.len() as i32 * 7, 12))
}

/// `text`, shortened with "…" until it fits in `max_w` pixels.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: i32,
) -> String {
    if text_size(area, text, style).0 <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    for n in (1..chars.len()).rev() {
        let s: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if text_size(area, &s, style).0 <= max_w {
            return s;
        }
    }
    "…".into()
}

/// `text` broken into lines no wider than `max_w` (at most `max_lines`, the last one shortened).
pub(crate) fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: i32,
    max_lines: usize,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let cand = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if text_size(area, &cand, style).0 <= max_w || cur.is_empty() {
            cur = cand;
        } else {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(rest);
    }
    lines.into_iter().map(|l| fit(area, &l, style, max_w)).collect()
}

/// Draws `text` with its anchor at `(x, y)`.
pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    (x, y): (i32, i32),
    style: &TextStyle,
    h: HPos,
    v: VPos,
) -> Result<(), ChartError> {
    if s.is_empty() {
        return Ok(());
    }
    area.draw(&Text::new(s.to_string(), (x, y), style.pos(Pos::new(h, v)))).d()
}

/// How a legend entry is drawn.
#[derive(Clone, Debug)]
pub(crate) enum Swatch {
    /// A line in a colour and style, with a shaded band behind it if `band` > 0, and a marker
    /// on it in the print style.
    Line { color: RGBColor, dash: Dash, band: f64, marker: Option<Marker> },
    /// A shaded band of this opacity.
    Band { color: RGBColor, alpha: f64 },
    /// A filled square.
    Square(RGBColor),
    /// An outlined box.
    Outline(RGBColor),
    /// A point with a horizontal whisker (a range).
    Range { color: RGBColor, alpha: f64 },
    /// A vertical dashed event mark.
    Event,
    /// An interval: a horizontal line with end caps.
    Whisker,
}

#[derive(Clone, Debug)]
pub(crate) struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendItem {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> LegendItem {
        LegendItem { label: label.into(), swatch }
    }
}

/// The text around a chart.
pub(crate) struct Frame<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub source: &'a str,
    pub legend: &'a [LegendItem],
}

/// Margin around the canvas, in design units.
pub(crate) const PAD: f64 = 14.0;

/// Paints the background, title, subtitle, legend and source line; returns the area left for
/// the plot.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    u: Units,
    f: &Frame,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).d()?;
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let pad = u.i(PAD);
    let inner = w - 2 * pad;
    let mut y = pad;

    let title_style = u.bold(19.0);
    for line in wrap(root, f.title, &title_style, inner, 2) {
        text(root, &line, (pad, y), &title_style, HPos::Left, VPos::Top)?;
        y += u.i(27.0);
    }
    let sub_style = u.font(12.5).color(&MUTED);
    for line in wrap(root, f.subtitle, &sub_style, inner, 2) {
        text(root, &line, (pad, y), &sub_style, HPos::Left, VPos::Top)?;
        y += u.i(19.0);
    }
    if !f.legend.is_empty() {
        y += u.i(4.0);
        y = legend(root, u, f.legend, pad, y, inner)?;
    }

    let src_style = u.font(10.0).color(&MUTED);
    text(root, f.source, (pad, h - u.i(8.0)), &src_style, HPos::Left, VPos::Bottom)?;
    let bottom = u.i(8.0) + text_size(root, "Ag", &src_style).1 + u.i(6.0);
    Ok(root.margin(y + u.i(6.0), bottom, pad, pad))
}

/// Draws legend entries left to right from `(x0, y)`, wrapping at `x0 + max_w`; returns the y
/// below the legend.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    items: &[LegendItem],
    x0: i32,
    y: i32,
    max_w: i32,
) -> Result<i32, ChartError> {
    let style = u.font(11.5).color(&TEXT);
    let row_h = u.i(20.0);
    let sw = u.i(24.0);
    let gap = u.i(6.0);
    let space = u.i(18.0);
    let (mut x, mut y) = (x0, y);
    for item in items {
        let label = fit(area, &item.label, &style, max_w - sw - gap);
        let tw = text_size(area, &label, &style).0;
        if x > x0 && x + sw + gap + tw > x0 + max_w {
            x = x0;
            y += row_h;
        }
        let cy = y + row_h / 2;
        swatch(area, u, &item.swatch, x, cy, sw)?;
        text(area, &label, (x + sw + gap, cy), &style, HPos::Left, VPos::Center)?;
        x += sw + gap + tw + space;
    }
    Ok(y + row_h)
}

fn swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    s: &Swatch,
    x: i32,
    cy: i32,
    w: i32,
) -> Result<(), ChartError> {
    let hh = u.i(5.0);
    match s {
        Swatch::Line { color, dash, band, marker: m } => {
            if *band > 0.0 {
                area.draw(&Rectangle::new([(x, cy - hh), (x + w, cy + hh)], color.mix(*band).filled())).d()?;
            }
            hline(area, u, (x, x + w, cy), *color, *dash, 2.2)?;
            if let Some(m) = m {
                marker(area, u, *m, (x + w / 2, cy), u.i(4.0), *color)?;
            }
        }
        Swatch::Band { color, alpha } => {
            area.draw(&Rectangle::new([(x, cy - hh), (x + w, cy + hh)], color.mix(*alpha).filled())).d()?;
        }
        Swatch::Square(color) => {
            area.draw(&Rectangle::new([(x + w / 2 - hh, cy - hh), (x + w / 2 + hh, cy + hh)], color.filled())).d()?;
        }
        Swatch::Range { color, alpha } => {
            let hw = if *alpha >= 0.99 { u.f(0.9) } else { u.f(2.5) };
            let (top, bottom) = (cy - hw.round() as i32, cy + hw.round().max(1.0) as i32);
            area.draw(&Rectangle::new([(x, top), (x + w, bottom)], color.mix(*alpha).filled())).d()?;
            area.draw(&Circle::new((x + w / 2, cy), u.i(3.5), color.filled())).d()?;
        }
        Swatch::Event => {
            vline_dashed(area, u, x + w / 2, cy - u.i(7.0), cy + u.i(7.0), super::style::EVENT)?;
        }
        Swatch::Outline(color) => {
            let r =
                Rectangle::new([(x, cy - hh - u.i(1.0)), (x + w, cy + hh + u.i(1.0))], color.stroke_width(u.u(1.0)));
            area.draw(&r).d()?;
        }
        Swatch::Whisker => {
            let st = TEXT.stroke_width(u.u(1.6));
            area.draw(&PathElement::new(vec![(x + u.i(2.0), cy), (x + w - u.i(2.0), cy)], st)).d()?;
            for xe in [x + u.i(2.0), x + w - u.i(2.0)] {
                area.draw(&PathElement::new(vec![(xe, cy - hh), (xe, cy + hh)], st)).d()?;
            }
        }
    }
    Ok(())
}

/// A point marker centred on `(x, y)`, `r` pixels from centre to edge, on a white halo.
pub(crate) fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    m: Marker,
    (x, y): (i32, i32),
    r: i32,
    color: RGBColor,
) -> Result<(), ChartError> {
    let fill = color.filled();
    let stroke = color.stroke_width(u.u(1.6));
    area.draw(&Circle::new((x, y), r + u.i(1.5), WHITE.filled())).d()?;
    match m {
        Marker::Circle => area.draw(&Circle::new((x, y), r, fill)).d(),
        Marker::Square => area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], fill)).d(),
        Marker::Triangle => area.draw(&Polygon::new(vec![(x, y - r), (x + r, y + r), (x - r, y + r)], fill)).d(),
        Marker::Diamond => area.draw(&Polygon::new(vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill)).d(),
        Marker::Cross => {
            area.draw(&PathElement::new(vec![(x - r, y - r), (x + r, y + r)], stroke)).d()?;
            area.draw(&PathElement::new(vec![(x - r, y + r), (x + r, y - r)], stroke)).d()
        }
        Marker::Plus => {
            area.draw(&PathElement::new(vec![(x - r, y), (x + r, y)], stroke)).d()?;
            area.draw(&PathElement::new(vec![(x, y - r), (x, y + r)], stroke)).d()
        }
    }
}

/// A horizontal line in pixel coordinates, solid, dashed or dotted.
pub(crate) fn hline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    (x0, x1, y): (i32, i32, i32),
    color: RGBColor,
    dash: Dash,
    width: f64,
) -> Result<(), ChartError> {
    let style = color.stroke_width(u.u(width));
    let pts = vec![(x0, y), (x1, y)];
    match dash {
        Dash::Solid => area.draw(&PathElement::new(pts, style)).d(),
        _ => {
            let (on, off) = dash_pattern(u, dash, width);
            area.draw(&DashedPathElement::new(pts, on, off, style)).d()
        }
    }
}

/// A vertical dashed line in pixel coordinates.
pub(crate) fn vline_dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    x: i32,
    y0: i32,
    y1: i32,
    color: RGBColor,
) -> Result<(), ChartError> {
    let style = color.stroke_width(u.u(1.0));
    area.draw(&DashedPathElement::new(vec![(x, y0), (x, y1)], u.i(4.0), u.i(3.0), style)).d()
}

/// Dash length and gap in pixels for a line of `width`.
pub(crate) fn dash_pattern(u: Units, dash: Dash, width: f64) -> (i32, i32) {
    match dash {
        Dash::Solid => (1, 0),
        Dash::Dashed => (u.i(7.0).max(2), u.i(4.5).max(2)),
        Dash::Dotted => (u.i(width * 1.1).max(1), u.i(width * 1.8 + 1.0).max(2)),
        Dash::LongDashed => (u.i(14.0).max(4), u.i(5.0).max(2)),
    }
}

/// Writes `note` (wrapped, at most `max_lines`) at the bottom of `area`; returns the area above it.
pub(crate) fn note_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    u: Units,
    note: &str,
    max_lines: usize,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let style = u.font(10.0).color(&MUTED);
    let (aw, ah) = area.dim_in_pixel();
    let lines = wrap(area, note, &style, aw as i32, max_lines);
    let line_h = text_size(area, "Ag", &style).1 + u.i(3.0);
    let h = line_h * lines.len() as i32 + u.i(8.0);
    let (above, below) = area.split_vertically(ah as i32 - h);
    for (i, l) in lines.iter().enumerate() {
        text(&below, l, (0, u.i(8.0) + i as i32 * line_h), &style, HPos::Left, VPos::Top)?;
    }
    Ok(above)
}

/// The height in pixels of a legend's rows beyond the first, on a canvas `width` wide (text
/// widths estimated at 0.6 em a character, as DejaVu Sans averages).
pub(crate) fn legend_extra(items: &[LegendItem], width: u32, u: Units) -> u32 {
    let inner = f64::from(width) - 2.0 * u.f(PAD);
    let em = u.f(11.5 * super::style::FONT_SCALE);
    let (mut x, mut rows) = (0.0, 1);
    for item in items {
        let w = (u.f(24.0 + 6.0) + 0.6 * em * item.label.chars().count() as f64).min(inner);
        if x > 0.0 && x + w > inner {
            rows += 1;
            x = 0.0;
        }
        x += w + u.f(18.0);
    }
    (u.f(20.0) * f64::from(rows - 1)).round() as u32
}
