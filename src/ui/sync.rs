//! 同步: the sync screen (see `app::sync`): this device, the destinations, what an export would
//! carry, the bundles found with what importing each would do, the imports log, and the last
//! outcome; a gauge while an export or import runs.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use super::theme::Theme;
use crate::app::State;
use crate::app::sync::PlaceKind;
use crate::app::sync_text::{export_error_text, role_text};
use crate::bundle::identity::fingerprint;
use crate::text;

/// Imports listed at most (the newest).
const IMPORTS_SHOWN: usize = 5;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let s = state.ctx.strings();
    let view = &state.sync;
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let heading = |t: &str| Line::from(Span::styled(t.to_string(), theme.title().add_modifier(Modifier::BOLD)));
    let plain = |t: String| Line::from(text::truncate(&t, width).into_owned());

    if let Some(card) = view.look.as_ref().and_then(|l| l.own.as_ref()) {
        let me = s.tf(
            "sync.me",
            &[("name", &card.name), ("role", role_text(s, card.role)), ("fp", &fingerprint(&card.signing_key))],
        );
        lines.push(plain(me));
    }
    lines.push(heading(s.t("sync.heading.places")));
    if view.places.is_empty() {
        lines.push(plain(format!("  {}", s.t("sync.no_places"))));
    }
    for (i, place) in view.places.iter().enumerate() {
        let kind = match &place.kind {
            PlaceKind::Stick { fstype } => s.tf("sync.place.stick", &[("fstype", fstype)]),
            PlaceKind::LastUsed => s.t("sync.place.last").to_string(),
            PlaceKind::Typed => s.t("sync.place.typed").to_string(),
        };
        let marker = if i == view.cursor { "> " } else { "  " };
        let line = text::truncate(&format!("{marker}{}  ({kind})", place.path.display()), width).into_owned();
        lines.push(if i == view.cursor { Line::from(Span::styled(line, theme.selected())) } else { Line::from(line) });
    }
    lines.push(Line::from(""));
    // The last outcome first: on a small terminal it is what must be seen.
    if !view.outcome.is_empty() {
        for o in &view.outcome {
            for l in textwrap::wrap(o, width.max(10)) {
                lines.push(Line::from(Span::styled(l.into_owned(), theme.title())));
            }
        }
        lines.push(Line::from(""));
    }

    match &view.look {
        None if !view.places.is_empty() => lines.push(plain(s.t("sync.looking").to_string())),
        None => {}
        Some(look) => {
            match &look.plan {
                Ok(plans) => {
                    for plan in plans {
                        if plan.ops == 0 {
                            lines.push(plain(s.t("sync.plan.none").to_string()));
                            continue;
                        }
                        let to = if plan.recipients.is_empty() {
                            s.t("sync.export.unencrypted").to_string()
                        } else {
                            plan.recipients
                                .iter()
                                .map(|r| format!("{} {}", r.name, r.fingerprint))
                                .collect::<Vec<_>>()
                                .join("、")
                        };
                        let since = match plan.receipt_ms {
                            Some(ms) if plan.since_receipt => s.tf(
                                "sync.plan.since_at",
                                &[("at", &crate::present::time::short_date_time(&state.ctx.zone, ms))],
                            ),
                            _ if plan.since_receipt => s.t("sync.plan.since").to_string(),
                            _ => s.t("sync.plan.all").to_string(),
                        };
                        let line = s.tf(
                            "sync.plan.line",
                            &[
                                ("ops", &plan.ops.to_string()),
                                ("sessions", &plan.entities[0].to_string()),
                                ("findings", &plan.entities[1].to_string()),
                                ("since", &since),
                                ("to", &to),
                            ],
                        );
                        for l in textwrap::wrap(&line, width.max(10)) {
                            lines.push(plain(l.into_owned()));
                        }
                    }
                }
                Err(e) => {
                    // Said once: an export just refused for the same reason put it above.
                    let why = export_error_text(s, e, look.card_file.as_deref());
                    if !view.outcome.contains(&why) {
                        for l in textwrap::wrap(&why, width.max(10)) {
                            lines.push(plain(l.into_owned()));
                        }
                    }
                }
            }
            lines.push(Line::from(""));
            lines.push(heading(s.t("sync.heading.bundles")));
            for file in &look.written_here {
                let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                lines.push(plain(format!("  {}", s.tf("sync.bundle.written_here", &[("file", &name)]))));
            }
            if look.bundles.is_empty() && look.written_here.is_empty() {
                lines.push(plain(format!("  {}", s.t("sync.bundles.none"))));
            }
            for b in &look.bundles {
                lines.push(plain(format!("  {}", crate::app::sync::bundle_line(state, b))));
            }
            if !look.imports.is_empty() {
                lines.push(Line::from(""));
                lines.push(heading(s.t("sync.heading.imports")));
                for e in look.imports.iter().rev().take(IMPORTS_SHOWN) {
                    let at = crate::present::time::date_time(&state.ctx.zone, e.imported_ms);
                    lines.push(plain(format!(
                        "  {}",
                        s.tf(
                            "sync.imports.row",
                            &[
                                ("at", &at),
                                ("name", &e.sender_name),
                                ("fp", &fingerprint(&e.sender)),
                                ("new", &e.ops_new.to_string()),
                                ("dup", &e.ops_duplicate.to_string()),
                                ("file", &e.file),
                            ],
                        )
                    )));
                }
            }
        }
    }
    let mut text_area = area;
    if let Some((_, done, total)) = view.busy {
        let gauge_area = Rect { y: area.y + area.height.saturating_sub(1), height: 1.min(area.height), ..area };
        text_area.height = area.height.saturating_sub(1);
        let ratio = if total == 0 { 0.0 } else { (done as f64 / total as f64).clamp(0.0, 1.0) };
        let label = if total == 0 { s.t("sync.busy").to_string() } else { format!("{done}/{total}") };
        frame.render_widget(Gauge::default().ratio(ratio).label(label).gauge_style(theme.selected()), gauge_area);
    }
    // Sanitized: a name from a bundle is shown, never obeyed.
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            Line::from(
                l.spans
                    .into_iter()
                    .map(|sp| Span::styled(text::sanitize(&sp.content).into_owned(), sp.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    // Scrolled no further than the last line at the bottom.
    let max = (lines.len() as u16).saturating_sub(text_area.height);
    frame.render_widget(Paragraph::new(lines).scroll((view.scroll.min(max), 0)), text_area);
}
