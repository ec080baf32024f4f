//! Each letter is a subject, paragraphs and actions (links); the templates lay them out as plain
//! text and as simple HTML.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::history::Mail;

/// A language the emails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
    Fr,
    Es,
    Ja,
}

impl Lang {
    /// The language of a BCP 47 locale such as `de-DE`; English for any other.
    pub fn of(locale: Option<&str>) -> Self {
        let language = locale
            .unwrap_or_default()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match language.as_str() {
            "de" => Self::De,
            "fr" => Self::Fr,
            "es" => Self::Es,
            "ja" => Self::Ja,
            _ => Self::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::Ja => "ja",
        }
    }

    /// A date in words: "December 21, 2026", "21. Dezember 2026", "2026年12月21日".
    pub fn date(self, date: NaiveDate) -> String {
        let (format, locale) = match self {
            Self::En => ("%B %-d, %Y", chrono::Locale::en_US),
            Self::De => ("%-d. %B %Y", chrono::Locale::de_DE),
            Self::Fr => ("%-d %B %Y", chrono::Locale::fr_FR),
            Self::Es => ("%-d de %B de %Y", chrono::Locale::es_ES),
            Self::Ja => ("%Y年%-m月%-d日", chrono::Locale::ja_JP),
        };
        date.format_localized(format, locale).to_string()
    }

    /// A date and time in the shop's time zone, with the zone: the receipt of a cancellation.
    pub fn date_time(self, at: DateTime<Utc>, zone: chrono_tz::Tz) -> String {
        let local = at.with_timezone(&zone);
        format!(
            "{} {}",
            self.date(local.date_naive()),
            local.format("%H:%M %Z")
        )
    }
}

/// What one email says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// Links the shopper can follow: label, URL.
    pub actions: Vec<(String, String)>,
    pub closing: String,
}

/// The facts a letter is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub name: Option<String>,
    pub item: String,
    pub quantity: u32,
    pub notify: bool,
    pub preorder: bool,
    /// The date in force (the revised one for a delay), in words; `None`: no date is known.
    pub date: Option<String>,
    /// The date before a delay, in words.
    pub previous: Option<String>,
    /// The last day to say yes, in words.
    pub deadline: Option<String>,
    /// When it was cancelled, in words, and by whom (`shopper`, `merchant`, `no_consent`).
    pub cancelled: Option<(String, String)>,
    pub refund_due: Option<String>,
    /// The shopper's page for the request (its status, keep and cancel).
    pub page: String,
    /// The product page the request came from, if known.
    pub product_page: Option<String>,
    /// A sign-up must be confirmed from this email before it counts (double opt-in).
    pub confirm: bool,
}

/// `template` with `{name}` replaced by each value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Every sentence of the emails in one language.
struct Words {
    hello: &'static str,
    hello_name: &'static str,
    closing: &'static str,
    no_date: &'static str,
    confirmation_subject: &'static str,
    confirmation: &'static str,
    preorder_subject: &'static str,
    preorder: &'static str,
    notify_subject: &'static str,
    notify: &'static str,
    confirm: &'static str,
    confirm_action: &'static str,
    delayed_subject: &'static str,
    delayed: &'static str,
    delayed_silence: &'static str,
    consent_subject: &'static str,
    consent: &'static str,
    consent_deadline: &'static str,
    ready_subject: &'static str,
    ready: &'static str,
    cancelled_subject: &'static str,
    cancelled: &'static str,
    by_shopper: &'static str,
    by_merchant: &'static str,
    by_no_consent: &'static str,
    refund: &'static str,
    back_subject: &'static str,
    back: &'static str,
    see: &'static str,
    keep: &'static str,
    cancel: &'static str,
    shop_now: &'static str,
    unsubscribe: &'static str,
}

const EN: Words = Words {
    hello: "Hello,",
    hello_name: "Hello {name},",
    closing: "Thank you for your patience.",
    no_date: "no date is known yet",
    confirmation_subject: "Your reservation: {item}",
    confirmation: "The shop has your reservation of {quantity} × {item}. It ships by {date}.",
    preorder_subject: "Your pre-order: {item}",
    preorder: "The shop has your pre-order of {quantity} × {item}. It ships by {date}.",
    notify_subject: "We will tell you when {item} is back",
    notify: "We will email you when {item} is back in stock.",
    confirm: "Please confirm that you want this email: until you do, you will not hear from us.",
    confirm_action: "Confirm my sign-up",
    delayed_subject: "{item} will ship later: by {date}",
    delayed: "Your reservation of {quantity} × {item} will now ship by {date}, not {previous}.",
    delayed_silence: "If that suits you, there is nothing to do. You may cancel it instead, and any payment is refunded.",
    consent_subject: "Please confirm: {item} now ships by {date}",
    consent: "Your reservation of {quantity} × {item} can no longer ship as promised. It can ship by {date}.",
    consent_deadline: "To keep it, confirm by {deadline}. Without your answer it will be cancelled then, and any payment refunded.",
    ready_subject: "{item} is ready to ship",
    ready: "All {quantity} × {item} of your reservation are set aside and will ship soon.",
    cancelled_subject: "Cancelled: your reservation of {item}",
    cancelled: "Your reservation of {quantity} × {item} was cancelled on {when} ({by}).",
    by_shopper: "at your request",
    by_merchant: "by the shop",
    by_no_consent: "no confirmation came by the deadline",
    refund: "Any payment will be refunded by {refund_due}.",
    back_subject: "{item} is back",
    back: "{item} is available again, while stock lasts.",
    see: "See your reservation",
    keep: "Keep my reservation",
    cancel: "Cancel it",
    shop_now: "Go to the product",
    unsubscribe: "Stop these emails",
};

const DE: Words = Words {
    hello: "Hallo,",
    hello_name: "Hallo {name},",
    closing: "Vielen Dank für Ihre Geduld.",
    no_date: "noch ohne bekanntes Datum",
    confirmation_subject: "Ihre Reservierung: {item}",
    confirmation: "Der Shop hat Ihre Reservierung von {quantity} × {item}. Versand bis {date}.",
    preorder_subject: "Ihre Vorbestellung: {item}",
    preorder: "Der Shop hat Ihre Vorbestellung von {quantity} × {item}. Versand bis {date}.",
    notify_subject: "Wir sagen Ihnen Bescheid, wenn {item} wieder da ist",
    notify: "Wir schreiben Ihnen, sobald {item} wieder vorrätig ist.",
    confirm: "Bitte bestätigen Sie, dass Sie diese E-Mail möchten: vorher schreiben wir Ihnen nicht.",
    confirm_action: "Anmeldung bestätigen",
    delayed_subject: "{item} wird später versandt: bis {date}",
    delayed: "Ihre Reservierung von {quantity} × {item} wird jetzt bis {date} versandt, nicht bis {previous}.",
    delayed_silence: "Wenn Ihnen das recht ist, müssen Sie nichts tun. Sie können stattdessen stornieren; eine Zahlung wird erstattet.",
    consent_subject: "Bitte bestätigen: {item} wird jetzt bis {date} versandt",
    consent: "Ihre Reservierung von {quantity} × {item} kann nicht wie versprochen versandt werden. Versand möglich bis {date}.",
    consent_deadline: "Um sie zu behalten, bestätigen Sie bis {deadline}. Ohne Ihre Antwort wird sie dann storniert und eine Zahlung erstattet.",
    ready_subject: "{item} ist versandbereit",
    ready: "Alle {quantity} × {item} Ihrer Reservierung liegen bereit und werden bald versandt.",
    cancelled_subject: "Storniert: Ihre Reservierung von {item}",
    cancelled: "Ihre Reservierung von {quantity} × {item} wurde am {when} storniert ({by}).",
    by_shopper: "auf Ihren Wunsch",
    by_merchant: "durch den Shop",
    by_no_consent: "bis zur Frist kam keine Bestätigung",
    refund: "Eine Zahlung wird bis {refund_due} erstattet.",
    back_subject: "{item} ist wieder da",
    back: "{item} ist wieder erhältlich, solange der Vorrat reicht.",
    see: "Reservierung ansehen",
    keep: "Reservierung behalten",
    cancel: "Stornieren",
    shop_now: "Zum Produkt",
    unsubscribe: "Keine solchen E-Mails mehr",
};

const FR: Words = Words {
    hello: "Bonjour,",
    hello_name: "Bonjour {name},",
    closing: "Merci de votre patience.",
    no_date: "sans date connue pour l'instant",
    confirmation_subject: "Votre réservation : {item}",
    confirmation: "La boutique a bien votre réservation de {quantity} × {item}. Expédition d'ici le {date}.",
    preorder_subject: "Votre précommande : {item}",
    preorder: "La boutique a bien votre précommande de {quantity} × {item}. Expédition d'ici le {date}.",
    notify_subject: "Nous vous préviendrons du retour de {item}",
    notify: "Nous vous écrirons dès que {item} sera de nouveau en stock.",
    confirm: "Merci de confirmer que vous souhaitez cet e-mail : sans confirmation, nous ne vous écrirons pas.",
    confirm_action: "Confirmer mon inscription",
    delayed_subject: "{item} sera expédié plus tard : d'ici le {date}",
    delayed: "Votre réservation de {quantity} × {item} sera expédiée d'ici le {date}, et non le {previous}.",
    delayed_silence: "Si cela vous convient, vous n'avez rien à faire. Vous pouvez aussi l'annuler ; tout paiement sera remboursé.",
    consent_subject: "Merci de confirmer : {item} sera expédié d'ici le {date}",
    consent: "Votre réservation de {quantity} × {item} ne peut plus être expédiée comme promis. Elle peut l'être d'ici le {date}.",
    consent_deadline: "Pour la garder, confirmez avant le {deadline}. Sans réponse, elle sera alors annulée et tout paiement remboursé.",
    ready_subject: "{item} est prêt à être expédié",
    ready: "Les {quantity} × {item} de votre réservation sont mis de côté et partiront bientôt.",
    cancelled_subject: "Annulée : votre réservation de {item}",
    cancelled: "Votre réservation de {quantity} × {item} a été annulée le {when} ({by}).",
    by_shopper: "à votre demande",
    by_merchant: "par la boutique",
    by_no_consent: "aucune confirmation reçue dans le délai",
    refund: "Tout paiement sera remboursé d'ici le {refund_due}.",
    back_subject: "{item} est de retour",
    back: "{item} est de nouveau disponible, dans la limite des stocks.",
    see: "Voir votre réservation",
    keep: "Garder ma réservation",
    cancel: "L'annuler",
    shop_now: "Voir le produit",
    unsubscribe: "Ne plus recevoir ces e-mails",
};

const ES: Words = Words {
    hello: "Hola:",
    hello_name: "Hola, {name}:",
    closing: "Gracias por su paciencia.",
    no_date: "todavía sin fecha conocida",
    confirmation_subject: "Su reserva: {item}",
    confirmation: "La tienda tiene su reserva de {quantity} × {item}. Se envía antes del {date}.",
    preorder_subject: "Su reserva anticipada: {item}",
    preorder: "La tienda tiene su reserva anticipada de {quantity} × {item}. Se envía antes del {date}.",
    notify_subject: "Le avisaremos cuando vuelva {item}",
    notify: "Le escribiremos cuando {item} vuelva a estar disponible.",
    confirm: "Confirme que desea este correo: hasta entonces no le escribiremos.",
    confirm_action: "Confirmar mi suscripción",
    delayed_subject: "{item} se enviará más tarde: antes del {date}",
    delayed: "Su reserva de {quantity} × {item} se enviará ahora antes del {date}, no del {previous}.",
    delayed_silence: "Si le parece bien, no tiene que hacer nada. También puede cancelarla; se reembolsará cualquier pago.",
    consent_subject: "Confirme, por favor: {item} se envía ahora antes del {date}",
    consent: "Su reserva de {quantity} × {item} ya no puede enviarse como se prometió. Puede enviarse antes del {date}.",
    consent_deadline: "Para mantenerla, confirme antes del {deadline}. Sin su respuesta se cancelará entonces y se reembolsará cualquier pago.",
    ready_subject: "{item} está listo para enviar",
    ready: "Las {quantity} × {item} de su reserva están apartadas y se enviarán pronto.",
    cancelled_subject: "Cancelada: su reserva de {item}",
    cancelled: "Su reserva de {quantity} × {item} se canceló el {when} ({by}).",
    by_shopper: "a petición suya",
    by_merchant: "por la tienda",
    by_no_consent: "no llegó confirmación en el plazo",
    refund: "Cualquier pago se reembolsará antes del {refund_due}.",
    back_subject: "{item} ha vuelto",
    back: "{item} vuelve a estar disponible, hasta agotar existencias.",
    see: "Ver su reserva",
    keep: "Mantener mi reserva",
    cancel: "Cancelarla",
    shop_now: "Ir al producto",
    unsubscribe: "No recibir más estos correos",
};

const JA: Words = Words {
    hello: "こんにちは。",
    hello_name: "{name} 様",
    closing: "お待ちいただきありがとうございます。",
    no_date: "日付は未定です",
    confirmation_subject: "ご予約: {item}",
    confirmation: "{item} × {quantity} のご予約を承りました。{date}までに発送します。",
    preorder_subject: "ご予約注文: {item}",
    preorder: "{item} × {quantity} のご予約注文を承りました。{date}までに発送します。",
    notify_subject: "{item} の再入荷をお知らせします",
    notify: "{item} が再入荷したらメールでお知らせします。",
    confirm: "このメールを希望されることをご確認ください。ご確認いただくまでお知らせは届きません。",
    confirm_action: "登録を確認する",
    delayed_subject: "{item} の発送が遅れます: {date}まで",
    delayed: "{item} × {quantity} のご予約は、{previous}ではなく{date}までの発送となります。",
    delayed_silence: "このままでよろしければ、何もする必要はありません。キャンセルすることもでき、お支払いは返金されます。",
    consent_subject: "ご確認ください: {item} は{date}までの発送になります",
    consent: "{item} × {quantity} のご予約は、お約束どおりに発送できなくなりました。{date}までに発送できます。",
    consent_deadline: "ご予約を続ける場合は、{deadline}までにご確認ください。ご回答がない場合はキャンセルとなり、お支払いは返金されます。",
    ready_subject: "{item} の発送準備ができました",
    ready: "ご予約の {item} × {quantity} をすべて確保しました。まもなく発送します。",
    cancelled_subject: "キャンセル済み: {item} のご予約",
    cancelled: "{item} × {quantity} のご予約は {when} にキャンセルされました（{by}）。",
    by_shopper: "お客様のご依頼による",
    by_merchant: "ショップによる",
    by_no_consent: "期限までにご確認がなかったため",
    refund: "お支払いは{refund_due}までに返金されます。",
    back_subject: "{item} が再入荷しました",
    back: "{item} が再び購入できるようになりました。在庫がなくなり次第終了です。",
    see: "ご予約を見る",
    keep: "予約を続ける",
    cancel: "キャンセルする",
    shop_now: "商品ページへ",
    unsubscribe: "このメールの配信を停止する",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::De => &DE,
        Lang::Fr => &FR,
        Lang::Es => &ES,
        Lang::Ja => &JA,
    }
}

/// The letter `mail` sends, in `lang`, from `facts`.
pub fn letter(mail: Mail, lang: Lang, facts: &Facts) -> Letter {
    let w = words(lang);
    let quantity = facts.quantity.to_string();
    let date = facts.date.clone().unwrap_or_else(|| w.no_date.to_owned());
    let values = [
        ("item", facts.item.as_str()),
        ("quantity", quantity.as_str()),
        ("date", date.as_str()),
        ("previous", facts.previous.as_deref().unwrap_or(w.no_date)),
        ("deadline", facts.deadline.as_deref().unwrap_or_default()),
        (
            "refund_due",
            facts.refund_due.as_deref().unwrap_or_default(),
        ),
    ];
    let say = |template: &str| fill(template, &values);
    let see = (w.see.to_owned(), facts.page.clone());
    let cancel = (w.cancel.to_owned(), facts.page.clone());
    let (subject, paragraphs, actions) = match mail {
        Mail::Confirmation if facts.notify && facts.confirm => (
            say(w.notify_subject),
            vec![say(w.notify), w.confirm.to_owned()],
            vec![(w.confirm_action.to_owned(), facts.page.clone())],
        ),
        Mail::Confirmation if facts.notify => (
            say(w.notify_subject),
            vec![say(w.notify)],
            vec![(w.unsubscribe.to_owned(), facts.page.clone())],
        ),
        Mail::Confirmation if facts.preorder => {
            (say(w.preorder_subject), vec![say(w.preorder)], vec![see])
        }
        Mail::Confirmation => (
            say(w.confirmation_subject),
            vec![say(w.confirmation)],
            vec![see],
        ),
        Mail::Delayed => (
            say(w.delayed_subject),
            vec![say(w.delayed), w.delayed_silence.to_owned()],
            vec![cancel],
        ),
        Mail::ConsentNeeded => (
            say(w.consent_subject),
            vec![say(w.consent), say(w.consent_deadline)],
            vec![(w.keep.to_owned(), facts.page.clone()), cancel],
        ),
        Mail::Ready => (say(w.ready_subject), vec![say(w.ready)], vec![see]),
        Mail::Cancelled => {
            let (when, by) = facts.cancelled.clone().unwrap_or_default();
            let by = match by.as_str() {
                "merchant" => w.by_merchant,
                "no_consent" => w.by_no_consent,
                _ => w.by_shopper,
            };
            let mut paragraphs = vec![fill(
                &say(w.cancelled),
                &[("when", when.as_str()), ("by", by)],
            )];
            if facts.refund_due.is_some() {
                paragraphs.push(say(w.refund));
            }
            (say(w.cancelled_subject), paragraphs, Vec::new())
        }
        Mail::BackInStock => (
            say(w.back_subject),
            vec![say(w.back)],
            facts
                .product_page
                .iter()
                .map(|page| (w.shop_now.to_owned(), page.clone()))
                .collect(),
        ),
    };
    Letter {
        subject,
        greeting: match &facts.name {
            Some(name) => fill(w.hello_name, &[("name", name)]),
            None => w.hello.to_owned(),
        },
        paragraphs,
        actions,
        closing: w.closing.to_owned(),
    }
}

/// The label of the one-click unsubscribe link's page.
pub fn unsubscribe_label(lang: Lang) -> &'static str {
    words(lang).unsubscribe
}

/// What the shopper's page says, in one language.
#[derive(Debug)]
pub struct PageWords {
    pub title: &'static str,
    pub item: &'static str,
    pub quantity: &'static str,
    pub status: &'static str,
    pub date: &'static str,
    pub deadline: &'static str,
    pub keep: &'static str,
    pub cancel: &'static str,
    pub kept: &'static str,
    pub cancelled: &'static str,
    pub confirm: &'static str,
    pub confirmed: &'static str,
    /// waiting, ready, delayed, shipped, cancelled.
    pub statuses: [&'static str; 5],
}

impl PageWords {
    pub fn status(&self, status: &str) -> &'static str {
        let index = match status {
            "ready" => 1,
            "delayed" => 2,
            "shipped" => 3,
            "cancelled" => 4,
            _ => 0,
        };
        self.statuses[index]
    }
}

pub fn page_words(lang: Lang) -> &'static PageWords {
    match lang {
        Lang::En => &PageWords {
            title: "Your reservation",
            item: "Item",
            quantity: "Quantity",
            status: "Status",
            date: "Ships by",
            deadline: "Confirm by",
            keep: "Keep my reservation",
            cancel: "Cancel my reservation",
            kept: "Thank you: your reservation is kept.",
            confirm: "Confirm my sign-up",
            confirmed: "Thank you: you will hear when it is back.",
            cancelled: "Your reservation is cancelled.",
            statuses: [
                "Waiting for stock",
                "Ready to ship",
                "Delayed",
                "Shipped",
                "Cancelled",
            ],
        },
        Lang::De => &PageWords {
            title: "Ihre Reservierung",
            item: "Artikel",
            quantity: "Menge",
            status: "Status",
            date: "Versand bis",
            deadline: "Bestätigen bis",
            keep: "Reservierung behalten",
            cancel: "Reservierung stornieren",
            kept: "Danke: Ihre Reservierung bleibt bestehen.",
            confirm: "Anmeldung bestätigen",
            confirmed: "Danke: Sie hören von uns, wenn es wieder da ist.",
            cancelled: "Ihre Reservierung ist storniert.",
            statuses: [
                "Wartet auf Ware",
                "Versandbereit",
                "Verspätet",
                "Versandt",
                "Storniert",
            ],
        },
        Lang::Fr => &PageWords {
            title: "Votre réservation",
            item: "Article",
            quantity: "Quantité",
            status: "État",
            date: "Expédition d'ici le",
            deadline: "À confirmer avant le",
            keep: "Garder ma réservation",
            cancel: "Annuler ma réservation",
            kept: "Merci : votre réservation est maintenue.",
            confirm: "Confirmer mon inscription",
            confirmed: "Merci : vous serez prévenu de son retour.",
            cancelled: "Votre réservation est annulée.",
            statuses: [
                "En attente de stock",
                "Prête à expédier",
                "En retard",
                "Expédiée",
                "Annulée",
            ],
        },
        Lang::Es => &PageWords {
            title: "Su reserva",
            item: "Artículo",
            quantity: "Cantidad",
            status: "Estado",
            date: "Envío antes del",
            deadline: "Confirmar antes del",
            keep: "Mantener mi reserva",
            cancel: "Cancelar mi reserva",
            kept: "Gracias: su reserva se mantiene.",
            confirm: "Confirmar mi suscripción",
            confirmed: "Gracias: le avisaremos cuando vuelva.",
            cancelled: "Su reserva está cancelada.",
            statuses: [
                "Esperando existencias",
                "Lista para enviar",
                "Retrasada",
                "Enviada",
                "Cancelada",
            ],
        },
        Lang::Ja => &PageWords {
            title: "ご予約",
            item: "商品",
            quantity: "数量",
            status: "状況",
            date: "発送予定",
            deadline: "確認期限",
            keep: "予約を続ける",
            cancel: "予約をキャンセルする",
            kept: "ありがとうございます。ご予約は継続されます。",
            confirm: "登録を確認する",
            confirmed: "ありがとうございます。再入荷時にお知らせします。",
            cancelled: "ご予約はキャンセルされました。",
            statuses: [
                "入荷待ち",
                "発送準備完了",
                "遅延",
                "発送済み",
                "キャンセル済み",
            ],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every email in every language is whole: no placeholder is left, every sentence is said.
    #[test]
    fn every_letter_in_every_language_is_filled_in() {
        let facts = |notify: bool| Facts {
            name: Some("Ana".to_owned()),
            item: "Wool Scarf".to_owned(),
            quantity: 2,
            notify,
            preorder: false,
            date: Some("21".to_owned()),
            previous: Some("14".to_owned()),
            deadline: Some("30".to_owned()),
            cancelled: Some(("12:00".to_owned(), "no_consent".to_owned())),
            refund_due: Some("40".to_owned()),
            page: "https://shop.example/reservations/bo_1?token=t".to_owned(),
            product_page: Some("https://shop.example/scarf".to_owned()),
            confirm: notify,
        };
        let mails = [
            Mail::Confirmation,
            Mail::Delayed,
            Mail::ConsentNeeded,
            Mail::Ready,
            Mail::Cancelled,
            Mail::BackInStock,
        ];
        for lang in [Lang::En, Lang::De, Lang::Fr, Lang::Es, Lang::Ja] {
            let mut subjects = Vec::new();
            for mail in mails {
                for notify in [false, true] {
                    let letter = letter(mail, lang, &facts(notify));
                    let all = [&letter.subject, &letter.greeting]
                        .into_iter()
                        .chain(&letter.paragraphs)
                        .chain(letter.actions.iter().map(|(label, _)| label));
                    for text in all {
                        assert!(
                            !text.contains('{') && !text.is_empty(),
                            "{lang:?} {mail:?}: {text}"
                        );
                    }
                    assert!(letter.subject.contains("Wool Scarf"), "{lang:?} {mail:?}");
                    subjects.push(letter.subject);
                }
            }
            subjects.sort();
            subjects.dedup();
            assert_eq!(
                subjects.len(),
                mails.len() + 1,
                "{lang:?}: each email has its own subject"
            );
        }
        let cancelled = letter(Mail::Cancelled, Lang::En, &facts(false));
        assert_eq!(
            cancelled.paragraphs,
            [
                "Your reservation of 2 × Wool Scarf was cancelled on 12:00 (no confirmation came by the deadline).",
                "Any payment will be refunded by 40."
            ]
        );
        let consent = letter(
            Mail::ConsentNeeded,
            Lang::De,
            &Facts {
                date: None,
                ..facts(false)
            },
        );
        assert!(
            consent.subject.contains("noch ohne bekanntes Datum"),
            "{}",
            consent.subject
        );
    }

    #[test]
    fn languages_and_dates_in_words() {
        assert_eq!(Lang::of(Some("de-DE")), Lang::De);
        assert_eq!(Lang::of(Some("ja_JP")), Lang::Ja);
        assert_eq!(Lang::of(Some("pt-BR")), Lang::En);
        assert_eq!(Lang::of(None), Lang::En);
        let day = NaiveDate::from_ymd_opt(2026, 12, 21).expect("a day");
        for (lang, expected) in [
            (Lang::En, "December 21, 2026"),
            (Lang::De, "21. Dezember 2026"),
            (Lang::Fr, "21 décembre 2026"),
            (Lang::Es, "21 de diciembre de 2026"),
            (Lang::Ja, "2026年12月21日"),
        ] {
            assert_eq!(lang.date(day), expected);
        }
        let at = DateTime::parse_from_rfc3339("2026-12-21T17:05:00Z")
            .expect("an instant")
            .with_timezone(&Utc);
        assert_eq!(
            Lang::De.date_time(at, chrono_tz::Europe::Berlin),
            "21. Dezember 2026 18:05 CET"
        );
    }
}
