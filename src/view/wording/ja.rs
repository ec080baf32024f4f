//! Japanese (polite です/ます form), checked against the English reference in `en.rs`.

pub const MESSAGES: &[(&str, &str)] = &[
    ("in_stock", "在庫あり"),
    ("low_stock.other", "残り{count}点です"),
    ("partial_now.other", "{count}点をすぐに発送します"),
    (
        "partial_later.other",
        "残りの{count}点は{date}までに発送します",
    ),
    ("backordered", "お取り寄せ：{date}までに発送します"),
    ("preorder", "予約受付中：{date}発売"),
    ("preorder_ships", "ご予約分は{date}までに発送します"),
    ("out_of_stock", "在庫切れ"),
    (
        "delayed",
        "次回の入荷が遅れており、新しい日程はまだ決まっていません",
    ),
    ("no_date", "お届け日はまだ決まっていません"),
    ("discontinued", "販売を終了しました"),
    ("limited.other", "ご注文は{count}点までです"),
    ("unavailable", "在庫状況を読み込めませんでした"),
    ("loading", "在庫状況を確認しています…"),
    ("form_title.backorder", "順番待ちにご登録ください"),
    ("form_title.preorder", "今すぐご予約ください"),
    ("form_title.notify", "再入荷時にメールでお知らせします"),
    ("label_email", "メールアドレス"),
    ("label_name", "お名前（任意）"),
    ("label_quantity", "数量"),
    (
        "consent.backorder",
        "この予約に関するメールを受け取ります。予約はいつでもキャンセルできます。",
    ),
    (
        "consent.preorder",
        "この予約注文に関するメールを受け取ります。予約注文はいつでもキャンセルできます。",
    ),
    (
        "consent.notify",
        "この商品が再入荷したときに、一度だけメールを受け取ります。",
    ),
    ("submit.backorder", "予約する"),
    ("submit.preorder", "予約注文する"),
    ("submit.notify", "通知を受け取る"),
    ("sending", "送信しています…"),
    ("payment.at_order", "ご予約時にお支払いいただきます。"),
    (
        "payment.at_shipment",
        "発送されるまでお支払いは発生しません。",
    ),
    ("confirmed_date", "{date}までに発送します。"),
    (
        "confirmed_notify",
        "登録が完了しました。再入荷時にメールでお知らせします。",
    ),
    (
        "cancel_hint",
        "ご予約はこちらからいつでもキャンセルできます。",
    ),
    ("cancel", "予約をキャンセル"),
    ("cancelled", "ご予約はキャンセルされました。"),
    (
        "queued",
        "保存しました。オンラインに戻ったときに送信されます。",
    ),
    ("error.email_required", "メールアドレスを入力してください。"),
    (
        "error.invalid_email",
        "name@example.com のような形式でメールアドレスを入力してください。",
    ),
    ("error.invalid_name", "200文字以内で入力してください。"),
    (
        "error.consent_required",
        "同意いただける場合は、チェックボックスにチェックを入れてください。",
    ),
    (
        "error.invalid_quantity",
        "1から{count}までの数量を選択してください。",
    ),
    (
        "error.exceeds.other",
        "予約できるのは残り{count}点のみです。",
    ),
    (
        "error.sold_out",
        "申し訳ありません。入荷予定分はたった今すべて予約済みとなりました。",
    ),
    (
        "error.rate_limited",
        "リクエストが多すぎます。しばらく待ってから、もう一度お試しください。",
    ),
    (
        "error.network",
        "ショップに接続できませんでした。もう一度お試しください。",
    ),
    (
        "error.rejected",
        "このリクエストはショップで受け付けられませんでした。",
    ),
    (
        "reservation.other",
        "{count}点の順番待ちで、{position}番目です。",
    ),
    ("reserved.other", "{count}点を予約しました。"),
    ("cancelling", "キャンセルしています…"),
    (
        "error.cancel",
        "予約をキャンセルできませんでした。もう一度お試しください。",
    ),
];
