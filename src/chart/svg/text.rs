//! Text items and their boxes, width estimates, cleaning, wrapping, truncation, XML escaping.

use super::{ASCENT, LINE};

/// An axis-aligned rectangle in pixels (y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether `self` lies inside `[0, width] × [0, height]` (with `eps` of slack).
    pub fn inside(&self, width: f64, height: f64, eps: f64) -> bool {
        self.x >= -eps
            && self.y >= -eps
            && self.right() <= width + eps
            && self.bottom() <= height + eps
    }

    /// Whether the interiors of two rectangles overlap.
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// Which part of the chart a text item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    Title,
    Subtitle,
    Legend,
    Footnote,
    XTitle,
    YTitle,
    YTick,
    XTick,
}

/// Horizontal alignment of a text item at its anchor point (SVG `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One placed text: drawn at (`x`, `y`) on its baseline, rotated `angle` degrees around that
/// point.
#[derive(Clone, Debug, PartialEq)]
pub struct TextItem {
    pub role: TextRole,
    pub text: String,
    pub x: f64,
    pub y: f64,
    /// Font size in pixels.
    pub size: f64,
    pub anchor: Anchor,
    /// Rotation in degrees around (`x`, `y`); negative is counter-clockwise.
    pub angle: f64,
    pub bold: bool,
}

impl TextItem {
    /// Estimated advance width of the text.
    pub fn width(&self) -> f64 {
        text_width(&self.text, self.size, self.bold)
    }

    /// The box before rotation: the estimated width by the line height.
    pub fn local_box(&self) -> Rect {
        let w = self.width();
        let x = match self.anchor {
            Anchor::Start => self.x,
            Anchor::Middle => self.x - w / 2.0,
            Anchor::End => self.x - w,
        };
        Rect {
            x,
            y: self.y - ASCENT * self.size,
            w,
            h: LINE * self.size,
        }
    }

    /// The corners of the (rotated) box, clockwise from the top-left before rotation.
    pub fn corners(&self) -> [[f64; 2]; 4] {
        let b = self.local_box();
        let (sin, cos) = self.angle.to_radians().sin_cos();
        let rot = |px: f64, py: f64| {
            let (dx, dy) = (px - self.x, py - self.y);
            [self.x + dx * cos - dy * sin, self.y + dx * sin + dy * cos]
        };
        [
            rot(b.x, b.y),
            rot(b.right(), b.y),
            rot(b.right(), b.bottom()),
            rot(b.x, b.bottom()),
        ]
    }

    /// The axis-aligned box around the (rotated) text.
    pub fn bbox(&self) -> Rect {
        let c = self.corners();
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for p in c {
            x0 = x0.min(p[0]);
            y0 = y0.min(p[1]);
            x1 = x1.max(p[0]);
            y1 = y1.max(p[1]);
        }
        Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }

    /// Whether the (rotated) boxes of two text items overlap (separating axis test).
    pub fn overlaps(&self, other: &TextItem) -> bool {
        let (a, b) = (self.corners(), other.corners());
        let axes = |c: &[[f64; 2]; 4]| {
            [
                [c[1][0] - c[0][0], c[1][1] - c[0][1]],
                [c[3][0] - c[0][0], c[3][1] - c[0][1]],
            ]
        };
        for axis in axes(&a).into_iter().chain(axes(&b)) {
            let len = axis[0].hypot(axis[1]);
            if len < 1e-12 {
                continue;
            }
            let project = |c: &[[f64; 2]; 4]| {
                c.iter()
                    .map(|p| (p[0] * axis[0] + p[1] * axis[1]) / len)
                    .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
            };
            let (alo, ahi) = project(&a);
            let (blo, bhi) = project(&b);
            // Touching edges do not count as overlap.
            if ahi <= blo + 1e-6 || bhi <= alo + 1e-6 {
                return false;
            }
        }
        true
    }
}

/// Whether a character is drawn full-width (CJK, full-width forms, and in the bundled font all
/// general punctuation such as "…").
fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2000
}

/// Estimated advance of a character in ems: at least the bundled font's advance and that of
/// common sans-serif fonts (Arial, Helvetica, DejaVu Sans is wider only for a few glyphs).
pub(super) fn char_em(c: char) -> f64 {
    match c {
        ' ' | 'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.36,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '{' | '}' | '-' | '/' | '\\' | '"' => 0.48,
        'm' | 'w' | 'W' | 'M' | '@' | '%' => 0.98,
        'A'..='Z' | '&' => 0.8,
        _ if c.is_ascii() => 0.64,
        'Æ' | 'æ' | 'Œ' | 'œ' => 1.0,
        _ if !is_wide(c) => 0.82,
        _ => 1.0,
    }
}

/// Estimated width of `text` in pixels at font size `size`.
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text.chars().map(char_em).sum();
    em * size * if bold { 1.06 } else { 1.0 }
}

/// Control characters out, runs of white space to one space, trimmed.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// `text` cut to `max_w` with "…" when longer; empty when not even "…" fits.
pub(super) fn truncate(text: &str, size: f64, bold: bool, max_w: f64) -> String {
    if text_width(text, size, bold) <= max_w {
        return text.to_owned();
    }
    let ell = text_width("…", size, bold);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), size, bold);
        if w + cw + ell > max_w {
            break;
        }
        w += cw;
        out.push(c);
    }
    if ell > max_w {
        return String::new();
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// Word-wraps `text` (already cleaned) into at most `max_lines` lines of at most `max_w`;
/// CJK text breaks between any two characters. Returns the lines and whether text was cut.
pub(super) fn wrap(
    text: &str,
    size: f64,
    bold: bool,
    max_w: f64,
    max_lines: usize,
) -> (Vec<String>, bool) {
    // Tokens: (byte start, text); a wide character alone, or a run of narrow non-spaces.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let ends_run = c == ' ' || is_wide(c);
        if ends_run {
            if let Some(s) = run.take() {
                tokens.push((s, &text[s..i]));
            }
            if c != ' ' {
                tokens.push((i, &text[i..i + c.len_utf8()]));
            }
        } else if run.is_none() {
            run = Some(i);
        }
    }
    if let Some(s) = run {
        tokens.push((s, &text[s..]));
    }
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut line = String::new();
    let mut line_start = 0;
    let mut prev_end = 0;
    for (start, tok) in tokens {
        let space = if !line.is_empty() && start > prev_end {
            " "
        } else {
            ""
        };
        let candidate = format!("{line}{space}{tok}");
        if text_width(&candidate, size, bold) <= max_w {
            if line.is_empty() {
                line_start = start;
            }
            line = candidate;
        } else if line.is_empty() {
            // One word wider than the line: break it anywhere.
            line_start = start;
            for (j, c) in tok.char_indices() {
                let mut next = line.clone();
                next.push(c);
                if text_width(&next, size, bold) > max_w && !line.is_empty() {
                    lines.push((line_start, std::mem::take(&mut line)));
                    line_start = start + j;
                    next = c.to_string();
                }
                line = next;
            }
        } else {
            lines.push((line_start, std::mem::take(&mut line)));
            line_start = start;
            line = tok.to_owned();
            if text_width(&line, size, bold) > max_w {
                // Long word on a fresh line: split it too.
                let word = std::mem::take(&mut line);
                for (j, c) in word.char_indices() {
                    let mut next = line.clone();
                    next.push(c);
                    if text_width(&next, size, bold) > max_w && !line.is_empty() {
                        lines.push((line_start, std::mem::take(&mut line)));
                        line_start = start + j;
                        next = c.to_string();
                    }
                    line = next;
                }
            }
        }
        prev_end = start + tok.len();
    }
    if !line.is_empty() {
        lines.push((line_start, line));
    }
    let max_lines = max_lines.max(1);
    if lines.len() <= max_lines {
        return (lines.into_iter().map(|(_, l)| l).collect(), false);
    }
    let last_start = lines[max_lines - 1].0;
    let mut out: Vec<String> = lines
        .into_iter()
        .take(max_lines - 1)
        .map(|(_, l)| l)
        .collect();
    out.push(truncate(&text[last_start..], size, bold, max_w));
    (out, true)
}

/// The title: its size and lines. Shrinks up to 20 % to stay on one line, else wraps to two
/// lines (shrinking up to 20 % more), else cuts the second line with "…".
pub(super) fn fit_title(text: &str, size: f64, max_w: f64) -> (f64, Vec<String>) {
    let w = text_width(text, size, true);
    if w <= max_w {
        return (size, vec![text.to_owned()]);
    }
    let shrunk = size * max_w / w * 0.999;
    if shrunk >= 0.8 * size {
        return (shrunk, vec![text.to_owned()]);
    }
    let mut last = (size, Vec::new());
    for f in [1.0, 0.9, 0.8] {
        let s = size * f;
        let (lines, cut) = wrap(text, s, true, max_w, 2);
        last = (s, lines);
        if !cut {
            break;
        }
    }
    last
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped for XML (and characters XML forbids
/// dropped).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
