//! Most shops have no dark mode. A widget that turned its text light whenever the system is
//! dark would be nearly invisible on their white pages, so the palette is chosen from the
//! colours the page really shows around the element: the first background behind it that is
//! opaque enough to matter, or, on the bare canvas, the text colour the page gives it (light
//! text means a dark canvas). The browser layer reads those computed colours; the decision is
//! here, tested natively.

/// Which of the widget's two default palettes suits the page around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The palette for a page whose background behind the widget is `background` (the first
    /// opaque one among its ancestors, if it could be read) and whose text colour there is
    /// `text`.
    pub fn for_page(background: Option<Shade>, text: Option<Shade>) -> Self {
        let dark = match (background, text) {
            (Some(background), _) => background.luma < DARK_BELOW,
            // The canvas shows through, or something unreadable (an image, a gradient): the
            // text colour the page chose for it tells which way it leans.
            (None, Some(text)) => text.luma > LIGHT_TEXT_ABOVE,
            (None, None) => false,
        };
        if dark { Self::Dark } else { Self::Light }
    }
}

/// How light a computed colour is, whatever space it is written in, and how opaque.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shade {
    /// Relative luminance in millionths.
    pub luma: u32,
    /// Opacity in thousandths.
    pub alpha: u16,
}

impl Shade {
    /// Reads what computed styles write: `rgb()`/`rgba()`/`color(srgb …)` (see [`Rgba::parse`]),
    /// `oklch()`/`oklab()` (Tailwind's palette, among others) and `lab()`/`lch()` by their
    /// lightness, and `transparent`. `None` for anything else: unknown, never guessed.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text == "transparent" {
            return Some(Self { luma: 0, alpha: 0 });
        }
        if let Some(rgba) = Rgba::parse(text) {
            return Some(Self {
                luma: rgba.luma(),
                alpha: rgba.alpha,
            });
        }
        // (function, lightness is 0-1 rather than 0-100)
        let spaces = [
            ("oklch", true),
            ("oklab", true),
            ("lch", false),
            ("lab", false),
        ];
        let (inner, unit) = spaces
            .iter()
            .find_map(|&(name, unit)| strip_function(text, name).map(|inner| (inner, unit)))?;
        let (components, alpha) = match inner.split_once('/') {
            Some((components, alpha)) => (components, Some(alpha.trim())),
            None => (inner, None),
        };
        let lightness = components.split_whitespace().next()?;
        // In thousandths of the full lightness.
        let lightness = match lightness.strip_suffix('%') {
            Some(percent) => thousandths(percent)? / 100,
            None if unit => thousandths(lightness)?,
            None => thousandths(lightness)? / 100,
        }
        .min(1000);
        let luma = match unit {
            // OKLab's lightness is about the cube root of luminance.
            true => u64::from(lightness).pow(3) / 1000,
            // CIE L*: Y = ((L* + 16) / 116)³ above the dark end, L* / 903.3 below it.
            false if lightness < 80 => u64::from(lightness) * 1_000_000 / 9_033,
            false => {
                let f = (u64::from(lightness) * 100 + 16_000) * 1000 / 116_000;
                f * f * f / 1000
            }
        };
        let alpha = match alpha {
            None => 1000,
            Some(alpha) => thousandths(alpha)?.min(1000) as u16,
        };
        Some(Self {
            luma: luma.min(1_000_000) as u32,
            alpha,
        })
    }

    /// Whether it hides what is behind it: a background at least half opaque decides the
    /// look; a fainter one lets the page behind it decide.
    pub fn is_opaque(self) -> bool {
        self.alpha >= 500
    }
}

/// An sRGB colour as a browser's computed style writes it; `alpha` in thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba {
    pub red: u8,
    pub green: u8,
    pub blue: u8,
    pub alpha: u16,
}

/// Relative luminance in millionths below which a background counts as dark: where black and
/// white text have the same contrast on it (WCAG's 0.179, about `#767676`).
const DARK_BELOW: u32 = 179_000;
/// Text lighter than this (about `#aaaaaa`) is written for a dark canvas.
const LIGHT_TEXT_ABOVE: u32 = 400_000;

impl Rgba {
    /// Reads `rgb(r, g, b)`, `rgba(r, g, b, a)` (commas or spaces, with `/` before alpha) and
    /// `color(srgb r g b / a)`, the forms computed styles use for sRGB colours. Anything else
    /// (`oklch(…)`, a keyword) is `None`: unknown, never guessed.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (inner, unit_channels) =
            match strip_function(text, "rgba").or_else(|| strip_function(text, "rgb")) {
                Some(inner) => (inner, false),
                None => (strip_function(text, "color")?.strip_prefix("srgb ")?, true),
            };
        let mut parts = inner.split([',', ' ', '/']).filter(|part| !part.is_empty());
        // `rgb()` channels run 0-255, `color(srgb …)` ones 0-1; computed styles never write
        // them as percentages.
        let mut channel = || -> Option<u8> {
            let part = parts.next().filter(|part| !part.ends_with('%'))?;
            let value = thousandths(part)?;
            u8::try_from(match unit_channels {
                true => (value * 255 + 500) / 1000,
                false => value / 1000,
            })
            .ok()
        };
        let (red, green, blue) = (channel()?, channel()?, channel()?);
        let alpha = match parts.next() {
            None => 1000,
            Some(alpha) => thousandths(alpha)?.min(1000) as u16,
        };
        parts.next().is_none().then_some(Self {
            red,
            green,
            blue,
            alpha,
        })
    }

    /// Relative luminance in millionths, near enough to tell dark from light: each channel's
    /// sRGB curve is taken as `(3x² + x³) / 4`, within 0.01 of the exact power of 2.4 that
    /// WCAG uses, in integers, so no floating-point powers (and their code) reach the widget.
    pub fn luma(self) -> u32 {
        let linear = |channel: u8| {
            let x = u64::from(channel);
            3 * x * x * 255 + x * x * x
        };
        let weighted =
            2126 * linear(self.red) + 7152 * linear(self.green) + 722 * linear(self.blue);
        // The weights sum to 10,000 and `linear(255)` is 4 × 255³: scale to millionths.
        (weighted / 663_255) as u32
    }
}

/// `name(` … `)` → the text between the parentheses.
fn strip_function<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.strip_prefix(name)?
        .strip_prefix('(')?
        .strip_suffix(')')
}

/// A non-negative decimal such as `12`, `0.5` or `.25` (or a percentage of 1) in thousandths.
fn thousandths(text: &str) -> Option<u32> {
    if let Some(percent) = text.strip_suffix('%') {
        return thousandths(percent).map(|value| value / 100);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || whole.len() > 6 {
        return None;
    }
    let mut value = 0u32;
    for byte in whole.bytes() {
        value = value * 10 + u32::from(byte - b'0');
    }
    let mut scale = 100;
    let mut fraction_value = 0;
    for byte in fraction.bytes().take(3) {
        fraction_value += u32::from(byte - b'0') * scale;
        scale /= 10;
    }
    Some(value * 1000 + fraction_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(red: u8, green: u8, blue: u8, alpha: u16) -> Option<Rgba> {
        Some(Rgba {
            red,
            green,
            blue,
            alpha,
        })
    }

    #[test]
    fn reads_the_colours_computed_styles_write() {
        for (text, expected) in [
            ("rgb(255, 255, 255)", rgba(255, 255, 255, 1000)),
            ("rgba(0, 0, 0, 0)", rgba(0, 0, 0, 0)),
            ("rgba(13, 17, 23, 0.5)", rgba(13, 17, 23, 500)),
            ("rgb(13 17 23 / 0.25)", rgba(13, 17, 23, 250)),
            ("rgb(13 17 23 / 40%)", rgba(13, 17, 23, 400)),
            ("rgb(12.6, 17, 23)", rgba(12, 17, 23, 1000)),
            ("color(srgb 1 0.5 0)", rgba(255, 128, 0, 1000)),
            ("color(srgb 0 0 0 / 0.8)", rgba(0, 0, 0, 800)),
            ("  rgb(1, 2, 3)  ", rgba(1, 2, 3, 1000)),
            ("rgb(300, 0, 0)", None),
            ("rgb(1, 2)", None),
            ("rgb(1, 2, 3, 4, 5)", None),
            ("rgb(-1, 2, 3)", None),
            ("oklch(0.5 0.1 200)", None),
            ("transparent", None),
            ("", None),
            ("rgb(a, b, c)", None),
        ] {
            assert_eq!(Rgba::parse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn luma_is_near_wcag_relative_luminance() {
        // (colour, WCAG relative luminance in millionths)
        for (text, wcag) in [
            ("rgb(255, 255, 255)", 1_000_000),
            ("rgb(0, 0, 0)", 0),
            ("rgb(118, 118, 118)", 181_000),
            ("rgb(13, 17, 23)", 5_600),
            ("rgb(251, 247, 242)", 929_000),
            ("rgb(230, 237, 243)", 837_000),
            ("rgb(207, 34, 46)", 140_000),
        ] {
            let luma = Rgba::parse(text).expect("a colour").luma();
            assert!(
                luma.abs_diff(wcag) <= 10_000,
                "{text}: {luma} is not near {wcag}"
            );
        }
    }

    #[test]
    fn lightness_is_read_in_every_space_computed_styles_write() {
        let luma = |text: &str| Shade::parse(text).map(|shade| (shade.luma, shade.alpha));
        assert_eq!(luma("transparent"), Some((0, 0)));
        assert_eq!(luma("rgba(0, 0, 0, 0)"), Some((0, 0)));
        // Tailwind's slate-900 and slate-50, in oklch: one dark, one light.
        let dark = luma("oklch(0.208 0.042 265.755)").expect("oklch");
        let light = luma("oklch(98.4% 0.003 247.858)").expect("oklch");
        assert!(dark.0 < 20_000 && light.0 > 900_000, "{dark:?} {light:?}");
        assert_eq!(
            luma("oklab(0.5 0.1 0.1 / 0.25)").map(|(_, alpha)| alpha),
            Some(250)
        );
        let lab_grey = luma("lab(50 0 0)").expect("lab").0;
        assert!(
            lab_grey.abs_diff(184_000) < 10_000,
            "L* 50 is Y 0.184: {lab_grey}"
        );
        let near_black = luma("lch(5 0 0)").expect("lch").0;
        assert!(
            near_black.abs_diff(5_535) < 100,
            "L* 5 is Y 0.0055: {near_black}"
        );
        assert_eq!(luma("hwb(0 0% 0%)"), None);
    }

    #[test]
    fn the_palette_follows_the_page_not_the_system() {
        let colour = |text| Shade::parse(text);
        for (background, text, expected) in [
            // A white shop, whatever the system says: its text is dark.
            ("rgb(255, 255, 255)", "rgb(31, 35, 40)", Scheme::Light),
            ("rgb(251, 247, 242)", "rgb(59, 47, 42)", Scheme::Light),
            // A dark shop, or a dark card on a light shop.
            ("rgb(13, 17, 23)", "rgb(230, 237, 243)", Scheme::Dark),
            ("rgb(0, 0, 0)", "rgb(209, 255, 209)", Scheme::Dark),
            // The background decides when text and background disagree.
            ("rgb(255, 255, 255)", "rgb(230, 237, 243)", Scheme::Light),
            ("rgb(30, 30, 30)", "rgb(0, 0, 0)", Scheme::Dark),
            // On the bare canvas the text tells: light text is a dark canvas.
            ("", "rgb(230, 237, 243)", Scheme::Dark),
            ("", "rgb(0, 0, 0)", Scheme::Light),
            ("", "rgb(118, 118, 118)", Scheme::Light),
            ("", "", Scheme::Light),
            // A dark card painted in oklch, as Tailwind paints it.
            (
                "oklch(0.208 0.042 265.755)",
                "oklch(0.984 0.003 247.858)",
                Scheme::Dark,
            ),
        ] {
            assert_eq!(
                Scheme::for_page(colour(background), colour(text)),
                expected,
                "background {background:?}, text {text:?}"
            );
        }
    }

    #[test]
    fn faint_backgrounds_let_the_page_behind_decide() {
        let faint = Shade::parse("rgba(0, 0, 0, 0.1)").expect("a colour");
        let veil = Shade::parse("rgba(0, 0, 0, 0.5)").expect("a colour");
        assert!(!faint.is_opaque());
        assert!(veil.is_opaque());
    }
}
