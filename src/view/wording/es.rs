//! Spanish (neutral "usted"), checked against the English reference in `en.rs`.

pub const MESSAGES: &[(&str, &str)] = &[
    ("in_stock", "En stock"),
    ("low_stock.one", "Solo queda {count}"),
    ("low_stock.other", "Solo quedan {count}"),
    ("partial_now.one", "{count} unidad se envía ahora"),
    ("partial_now.other", "{count} unidades se envían ahora"),
    (
        "partial_later.one",
        "{count} unidad más se enviará a más tardar el {date}",
    ),
    (
        "partial_later.other",
        "{count} unidades más se enviarán a más tardar el {date}",
    ),
    (
        "backordered",
        "Bajo pedido: se envía a más tardar el {date}",
    ),
    ("preorder", "Preventa: a la venta el {date}"),
    (
        "preorder_ships",
        "Las unidades reservadas se envían a más tardar el {date}",
    ),
    ("out_of_stock", "Agotado"),
    (
        "delayed",
        "La próxima entrega se está retrasando; aún no hay nueva fecha",
    ),
    ("no_date", "Aún no hay fecha de entrega"),
    ("discontinued", "Ya no está disponible"),
    ("limited.one", "Solo se puede pedir {count} unidad"),
    ("limited.other", "Solo se pueden pedir {count} unidades"),
    ("unavailable", "No se pudo cargar la disponibilidad"),
    ("loading", "Comprobando disponibilidad…"),
    (
        "form_title.backorder",
        "Reserve su lugar en la lista de espera",
    ),
    ("form_title.preorder", "Compre ya en preventa"),
    (
        "form_title.notify",
        "Reciba un correo cuando vuelva a estar disponible",
    ),
    ("label_email", "Correo electrónico"),
    ("label_name", "Nombre (opcional)"),
    ("label_quantity", "Cantidad"),
    (
        "consent.backorder",
        "Deseo recibir correos sobre esta reserva. Puedo cancelarla en cualquier momento.",
    ),
    (
        "consent.preorder",
        "Deseo recibir correos sobre esta compra en preventa. Puedo cancelarla en cualquier momento.",
    ),
    (
        "consent.notify",
        "Deseo recibir un único correo cuando este artículo vuelva a estar disponible.",
    ),
    ("submit.backorder", "Reservar"),
    ("submit.preorder", "Comprar en preventa"),
    ("submit.notify", "Avisarme"),
    ("sending", "Enviando…"),
    ("payment.at_order", "Pagará al hacer la reserva."),
    (
        "payment.at_shipment",
        "Solo pagará cuando se realice el envío.",
    ),
    ("confirmed_date", "Se enviará a más tardar el {date}."),
    (
        "confirmed_notify",
        "Listo. Le enviaremos un correo cuando vuelva a estar disponible.",
    ),
    (
        "cancel_hint",
        "¿Ha cambiado de opinión? Puede cancelar aquí en cualquier momento.",
    ),
    ("cancel", "Cancelar reserva"),
    ("cancelled", "Su reserva se ha cancelado."),
    (
        "queued",
        "Guardado. Se enviará cuando vuelva a tener conexión.",
    ),
    (
        "error.email_required",
        "Escriba su dirección de correo electrónico.",
    ),
    (
        "error.invalid_email",
        "Escriba una dirección de correo electrónico como nombre@example.com.",
    ),
    ("error.invalid_name", "Use como máximo 200 caracteres."),
    ("error.consent_required", "Marque la casilla para aceptar."),
    (
        "error.invalid_quantity",
        "Elija una cantidad entre 1 y {count}.",
    ),
    (
        "error.exceeds.one",
        "Solo queda {count} unidad disponible para reservar.",
    ),
    (
        "error.exceeds.other",
        "Solo quedan {count} unidades disponibles para reservar.",
    ),
    (
        "error.sold_out",
        "Lo sentimos, acaban de reservarse todas las unidades que están en camino.",
    ),
    (
        "error.rate_limited",
        "Demasiadas solicitudes. Espere un momento y vuelva a intentarlo.",
    ),
    (
        "error.network",
        "No se pudo conectar con la tienda. Vuelva a intentarlo.",
    ),
    (
        "error.rejected",
        "La tienda no pudo aceptar esta solicitud.",
    ),
    (
        "reservation.one",
        "Ocupa el puesto {position} de la lista para {count} unidad.",
    ),
    (
        "reservation.other",
        "Ocupa el puesto {position} de la lista para {count} unidades.",
    ),
    ("reserved.one", "{count} unidad reservada."),
    ("reserved.other", "{count} unidades reservadas."),
    ("cancelling", "Cancelando…"),
    (
        "error.cancel",
        "No se pudo cancelar la reserva. Inténtelo de nuevo.",
    ),
];
