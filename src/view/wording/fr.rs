//! French (polite "vous"), checked against the English reference in `en.rs`.

pub const MESSAGES: &[(&str, &str)] = &[
    ("in_stock", "En stock"),
    ("low_stock.one", "Plus que {count} en stock"),
    ("low_stock.other", "Plus que {count} en stock"),
    ("partial_now.one", "{count} article expédié immédiatement"),
    (
        "partial_now.other",
        "{count} articles expédiés immédiatement",
    ),
    (
        "partial_later.one",
        "{count} autre article expédié d'ici le {date}",
    ),
    (
        "partial_later.other",
        "{count} autres articles expédiés d'ici le {date}",
    ),
    (
        "backordered",
        "En réapprovisionnement : expédition d'ici le {date}",
    ),
    ("preorder", "Précommande : sortie le {date}"),
    (
        "preorder_ships",
        "Les articles réservés seront expédiés d'ici le {date}",
    ),
    ("out_of_stock", "En rupture de stock"),
    (
        "delayed",
        "La prochaine livraison est retardée, aucune nouvelle date pour le moment",
    ),
    ("no_date", "Pas encore de date de livraison"),
    ("discontinued", "Plus disponible"),
    ("limited.one", "Vous pouvez en commander {count} au maximum"),
    (
        "limited.other",
        "Vous pouvez en commander {count} au maximum",
    ),
    ("unavailable", "Impossible de charger la disponibilité"),
    ("loading", "Vérification de la disponibilité…"),
    (
        "form_title.backorder",
        "Réservez votre place dans la file d'attente",
    ),
    ("form_title.preorder", "Précommandez dès maintenant"),
    (
        "form_title.notify",
        "Recevez un e-mail dès son retour en stock",
    ),
    ("label_email", "E-mail"),
    ("label_name", "Nom (facultatif)"),
    ("label_quantity", "Quantité"),
    (
        "consent.backorder",
        "J'accepte de recevoir des e-mails concernant cette réservation. Je peux l'annuler à tout moment.",
    ),
    (
        "consent.preorder",
        "J'accepte de recevoir des e-mails concernant cette précommande. Je peux l'annuler à tout moment.",
    ),
    (
        "consent.notify",
        "Je souhaite recevoir un seul e-mail lorsque cet article sera de nouveau en stock.",
    ),
    ("submit.backorder", "Réserver"),
    ("submit.preorder", "Précommander"),
    ("submit.notify", "M'avertir"),
    ("sending", "Envoi en cours…"),
    ("payment.at_order", "Vous payez lors de la réservation."),
    (
        "payment.at_shipment",
        "Vous ne payez qu'au moment de l'expédition.",
    ),
    ("confirmed_date", "Expédition d'ici le {date}."),
    (
        "confirmed_notify",
        "C'est noté. Nous vous enverrons un e-mail dès son retour en stock.",
    ),
    (
        "cancel_hint",
        "Vous avez changé d'avis ? Vous pouvez annuler ici à tout moment.",
    ),
    ("cancel", "Annuler la réservation"),
    ("cancelled", "Votre réservation est annulée."),
    (
        "queued",
        "Enregistré. L'envoi se fera dès que vous serez de nouveau en ligne.",
    ),
    (
        "error.email_required",
        "Veuillez saisir votre adresse e-mail.",
    ),
    (
        "error.invalid_email",
        "Veuillez saisir une adresse e-mail valide, par exemple nom@example.com.",
    ),
    (
        "error.invalid_name",
        "Veuillez utiliser 200 caractères au maximum.",
    ),
    (
        "error.consent_required",
        "Veuillez cocher la case pour donner votre accord.",
    ),
    (
        "error.invalid_quantity",
        "Veuillez choisir une quantité comprise entre 1 et {count}.",
    ),
    (
        "error.exceeds.one",
        "Il ne reste que {count} article réservable.",
    ),
    (
        "error.exceeds.other",
        "Il ne reste que {count} articles réservables.",
    ),
    (
        "error.sold_out",
        "Désolé, tout le stock en cours d'acheminement vient d'être réservé.",
    ),
    (
        "error.rate_limited",
        "Trop de demandes. Veuillez patienter un instant, puis réessayer.",
    ),
    (
        "error.network",
        "Impossible de joindre la boutique. Veuillez réessayer.",
    ),
    (
        "error.rejected",
        "La boutique n'a pas pu accepter cette demande.",
    ),
    (
        "reservation.one",
        "Vous êtes n° {position} dans la file pour {count} article.",
    ),
    (
        "reservation.other",
        "Vous êtes n° {position} dans la file pour {count} articles.",
    ),
    ("reserved.one", "{count} article réservé."),
    ("reserved.other", "{count} articles réservés."),
    ("cancelling", "Annulation…"),
    (
        "error.cancel",
        "La réservation n’a pas pu être annulée. Veuillez réessayer.",
    ),
];
