//! German (formal "Sie"), checked against the English reference in `en.rs`.

pub const MESSAGES: &[(&str, &str)] = &[
    ("in_stock", "Auf Lager"),
    ("low_stock.one", "Nur noch {count} Stück auf Lager"),
    ("low_stock.other", "Nur noch {count} Stück auf Lager"),
    ("partial_now.one", "{count} Stück wird sofort versandt"),
    ("partial_now.other", "{count} Stück werden sofort versandt"),
    (
        "partial_later.one",
        "{count} weiteres Stück wird bis {date} versandt",
    ),
    (
        "partial_later.other",
        "{count} weitere Stück werden bis {date} versandt",
    ),
    ("backordered", "Nachbestellt: Versand bis {date}"),
    ("preorder", "Vorbestellung: erscheint am {date}"),
    (
        "preorder_ships",
        "Reservierte Artikel werden bis {date} versandt",
    ),
    ("out_of_stock", "Nicht auf Lager"),
    (
        "delayed",
        "Die nächste Lieferung verspätet sich; ein neuer Termin steht noch nicht fest",
    ),
    ("no_date", "Noch kein Liefertermin bekannt"),
    ("discontinued", "Nicht mehr erhältlich"),
    ("limited.one", "Es kann nur {count} Stück bestellt werden"),
    (
        "limited.other",
        "Es können nur {count} Stück bestellt werden",
    ),
    (
        "unavailable",
        "Die Verfügbarkeit konnte nicht geladen werden",
    ),
    ("loading", "Verfügbarkeit wird geprüft…"),
    (
        "form_title.backorder",
        "Sichern Sie sich Ihren Platz auf der Warteliste",
    ),
    ("form_title.preorder", "Jetzt vorbestellen"),
    (
        "form_title.notify",
        "Erhalten Sie eine E-Mail, sobald der Artikel wieder da ist",
    ),
    ("label_email", "E-Mail"),
    ("label_name", "Name (optional)"),
    ("label_quantity", "Menge"),
    (
        "consent.backorder",
        "Ich möchte E-Mails zu dieser Reservierung erhalten. Die Reservierung kann ich jederzeit stornieren.",
    ),
    (
        "consent.preorder",
        "Ich möchte E-Mails zu dieser Vorbestellung erhalten. Die Vorbestellung kann ich jederzeit stornieren.",
    ),
    (
        "consent.notify",
        "Ich möchte einmalig per E-Mail benachrichtigt werden, sobald dieser Artikel wieder auf Lager ist.",
    ),
    ("submit.backorder", "Reservieren"),
    ("submit.preorder", "Vorbestellen"),
    ("submit.notify", "Benachrichtigung anfordern"),
    ("sending", "Wird gesendet…"),
    ("payment.at_order", "Sie bezahlen bei der Reservierung."),
    ("payment.at_shipment", "Sie bezahlen erst beim Versand."),
    ("confirmed_date", "Versand bis {date}."),
    (
        "confirmed_notify",
        "Erledigt. Wir benachrichtigen Sie per E-Mail, sobald der Artikel wieder da ist.",
    ),
    (
        "cancel_hint",
        "Sie haben es sich anders überlegt? Sie können hier jederzeit stornieren.",
    ),
    ("cancel", "Reservierung stornieren"),
    ("cancelled", "Ihre Reservierung wurde storniert."),
    (
        "queued",
        "Gespeichert. Die Anfrage wird gesendet, sobald Sie wieder online sind.",
    ),
    (
        "error.email_required",
        "Bitte geben Sie Ihre E-Mail-Adresse ein.",
    ),
    (
        "error.invalid_email",
        "Bitte geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    ),
    (
        "error.invalid_name",
        "Bitte verwenden Sie höchstens 200 Zeichen.",
    ),
    (
        "error.consent_required",
        "Bitte setzen Sie das Häkchen, um zuzustimmen.",
    ),
    (
        "error.invalid_quantity",
        "Bitte wählen Sie eine Menge von 1 bis {count}.",
    ),
    (
        "error.exceeds.one",
        "Es kann nur noch {count} Stück reserviert werden.",
    ),
    (
        "error.exceeds.other",
        "Es können nur noch {count} Stück reserviert werden.",
    ),
    (
        "error.sold_out",
        "Leider wurde soeben die gesamte Ware reserviert, die bereits unterwegs ist.",
    ),
    (
        "error.rate_limited",
        "Zu viele Anfragen. Bitte warten Sie einen Moment und versuchen Sie es erneut.",
    ),
    (
        "error.network",
        "Der Shop ist nicht erreichbar. Bitte versuchen Sie es erneut.",
    ),
    (
        "error.rejected",
        "Der Shop konnte diese Anfrage nicht annehmen.",
    ),
    (
        "reservation.one",
        "Sie sind Nr. {position} in der Warteschlange für {count} Stück.",
    ),
    (
        "reservation.other",
        "Sie sind Nr. {position} in der Warteschlange für {count} Stück.",
    ),
    ("reserved.one", "{count} Stück reserviert."),
    ("reserved.other", "{count} Stück reserviert."),
    ("cancelling", "Wird storniert…"),
    (
        "error.cancel",
        "Die Reservierung konnte nicht storniert werden. Bitte versuchen Sie es erneut.",
    ),
];
