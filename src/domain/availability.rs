use std::borrow::Cow;

use chrono::NaiveDate;

use super::MAX_QUANTITY;
use super::calendar::{ShopCalendar, ShopDay};
use super::stock::Stock;

/// What the shop can truthfully say about one variant for one quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Every unit ships now. `low_stock` carries the count when it is at or below the threshold.
    InStock { low_stock: Option<u32> },
    /// `ship_now` units ship now; `backordered` more ship by `expected_ship_date`.
    Partial {
        ship_now: u32,
        backordered: u32,
        expected_ship_date: NaiveDate,
    },
    /// Nothing ships now; every unit ships by `expected_ship_date`.
    Backordered { expected_ship_date: NaiveDate },
    /// Not released yet; reserved units ship by `expected_ship_date` (never before the release).
    Preorder {
        release_date: NaiveDate,
        expected_ship_date: NaiveDate,
    },
    /// Nothing can be promised. `notify` says whether "notify me" is offered.
    OutOfStock { notify: bool, reason: NoDateReason },
    /// Never again.
    Discontinued,
}

/// Why an out-of-stock item has no date, so the wording can be honest about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoDateReason {
    /// Nothing is en route.
    NothingIncoming,
    /// The shop does not take backorders for this item.
    BackordersDenied,
    /// Stock was expected on a day that has passed: it is late, and no new date is known.
    Delayed,
    /// Everything en route (or allowed by `backorder_limit`) is already promised.
    CapReached,
    /// The next date would be further out than the shop's `max_wait_days`.
    BeyondMaxWait,
}

/// The answer for one variant: the state for the quantity evaluated, and how many can be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub availability: Availability,
    /// The quantity the state describes: what the shopper asked for, or fewer when fewer can be
    /// had (then `limited` is set and the wording says so).
    pub quantity: u32,
    /// Whether the shopper asked for more than `max_quantity`.
    pub limited: bool,
    /// The most one shopper can order or reserve right now, with a date for every unit.
    pub max_quantity: u32,
    /// Units that may still be backordered or pre-ordered (ignoring `max_per_order`).
    pub reservable: u32,
    /// A batch was due and has not arrived: the shopper is told, even when the shelf has some.
    pub late_delivery: bool,
}

impl Evaluation {
    /// The quantity the shopper wants in all when the form asks to reserve `reserved` units: in
    /// the partial state the units on the shelf ship now, on top of those reserved. The form's
    /// quantity, the page's quantity field and the `quantity` attribute therefore all drive one
    /// evaluation, and the date the page shows is the date the request carries.
    pub fn total_for_request(&self, reserved: u32) -> u32 {
        match self.availability {
            Availability::Partial { ship_now, .. } => reserved.saturating_add(ship_now),
            _ => reserved,
        }
    }
}

impl Availability {
    /// The state's name on the wire and in events.
    pub fn state_name(&self) -> &'static str {
        match self {
            Self::InStock { .. } => "in_stock",
            Self::Partial { .. } => "partial",
            Self::Backordered { .. } => "backordered",
            Self::Preorder { .. } => "preorder",
            Self::OutOfStock { .. } => "out_of_stock",
            Self::Discontinued => "discontinued",
        }
    }

    /// The schema.org `availability` value (without the `https://schema.org/` prefix).
    pub fn schema_org(&self) -> &'static str {
        match self {
            Self::InStock { .. } => "InStock",
            Self::Partial { .. } => "LimitedAvailability",
            Self::Backordered { .. } => "BackOrder",
            Self::Preorder { .. } => "PreOrder",
            Self::OutOfStock { .. } => "OutOfStock",
            Self::Discontinued => "Discontinued",
        }
    }

    /// The Google Merchant Center `availability` value. Partial counts as in stock because some
    /// units ship now.
    pub fn google_feed(&self) -> &'static str {
        match self {
            Self::InStock { .. } | Self::Partial { .. } => "in_stock",
            Self::Backordered { .. } => "backorder",
            Self::Preorder { .. } => "preorder",
            Self::OutOfStock { .. } | Self::Discontinued => "out_of_stock",
        }
    }

    /// The date for schema.org `availabilityStarts` and Google's `availability_date`.
    pub fn availability_starts(&self) -> Option<NaiveDate> {
        match self {
            Self::Backordered { expected_ship_date } => Some(*expected_ship_date),
            Self::Preorder { release_date, .. } => Some(*release_date),
            _ => None,
        }
    }

    /// The date the shopper's last unit ships, when some units wait.
    pub fn expected_ship_date(&self) -> Option<NaiveDate> {
        match self {
            Self::Partial {
                expected_ship_date, ..
            }
            | Self::Backordered { expected_ship_date }
            | Self::Preorder {
                expected_ship_date, ..
            } => Some(*expected_ship_date),
            _ => None,
        }
    }
}

/// Evaluates `stock` for a shopper who wants `quantity` units (0 is treated as 1), on the shop's
/// `today` (a date, or a [`ShopDay`] once the shop's cutoff has passed).
#[inline]
pub fn evaluate(
    stock: &Stock,
    calendar: &ShopCalendar,
    quantity: u32,
    today: impl Into<ShopDay>,
) -> Evaluation {
    evaluate_on(stock, calendar, quantity, today.into())
}

/// The most units one request may hold: the record's `max_per_order`, else the shop's, else no
/// cap. The same number caps what one shopper holds of the item at once.
pub fn per_order_cap(stock: &Stock, calendar: &ShopCalendar) -> u32 {
    stock
        .max_per_order
        .or(calendar.max_per_order)
        .unwrap_or(MAX_QUANTITY)
        .max(1)
}

/// [`evaluate`] itself, once: a generic body would be copied for each kind of *today* (the
/// WebAssembly pays for every copy).
fn evaluate_on(
    stock: &Stock,
    calendar: &ShopCalendar,
    quantity: u32,
    today: ShopDay,
) -> Evaluation {
    let requested = quantity.clamp(1, MAX_QUANTITY);
    let per_order = per_order_cap(stock, calendar);
    let late_delivery = stock
        .incoming
        .iter()
        .any(|batch| batch.expected_arrival < today.date);

    if stock.discontinued {
        // What is left on the shelf may still be sold, but nothing is ever promised again.
        return in_stock_only(stock, requested, per_order, Availability::Discontinued);
    }
    if let Some(release_date) = stock.release_date.filter(|&release| release > today.date) {
        return preorder(stock, calendar, release_date, requested, per_order, today);
    }
    let released = shelf_first(stock);
    let stock: &Stock = &released;
    if !stock.backorders_allowed {
        let empty = Availability::OutOfStock {
            notify: true,
            reason: NoDateReason::BackordersDenied,
        };
        return in_stock_only(stock, requested, per_order, empty);
    }

    let queue = BatchQueue::new(stock, calendar, today, Some(calendar.max_wait_days));
    let reservable = queue.dated_capacity();
    let max_quantity = stock.on_hand.saturating_add(reservable).min(per_order);
    if max_quantity == 0 {
        let reason = queue.reason_for_no_date();
        return Evaluation {
            availability: Availability::OutOfStock {
                notify: true,
                reason,
            },
            quantity: requested,
            limited: false,
            max_quantity,
            reservable,
            late_delivery,
        };
    }
    let quantity = requested.min(max_quantity);
    let availability = if quantity <= stock.on_hand {
        Availability::InStock {
            low_stock: low_stock(stock),
        }
    } else {
        let backordered = quantity - stock.on_hand;
        // `quantity <= max_quantity` guarantees a dated batch covers the last unit.
        match queue.ship_date_for(backordered) {
            Some(expected_ship_date) if stock.on_hand == 0 => {
                Availability::Backordered { expected_ship_date }
            }
            Some(expected_ship_date) => Availability::Partial {
                ship_now: stock.on_hand,
                backordered,
                expected_ship_date,
            },
            None => Availability::OutOfStock {
                notify: true,
                reason: queue.reason_for_no_date(),
            },
        }
    };
    Evaluation {
        availability,
        quantity,
        limited: requested > max_quantity,
        max_quantity,
        reservable,
        late_delivery,
    }
}

/// Units on the shelf can be sold; nothing beyond them is promised. With the shelf empty the
/// state is `when_empty`.
fn in_stock_only(
    stock: &Stock,
    requested: u32,
    per_order: u32,
    when_empty: Availability,
) -> Evaluation {
    let max_quantity = stock.on_hand.min(per_order);
    let evaluation = |availability, quantity, limited| Evaluation {
        availability,
        quantity,
        limited,
        max_quantity,
        reservable: 0,
        late_delivery: false,
    };
    if max_quantity == 0 {
        return evaluation(when_empty, requested, false);
    }
    let in_stock = Availability::InStock {
        low_stock: low_stock(stock),
    };
    evaluation(
        in_stock,
        requested.min(max_quantity),
        requested > max_quantity,
    )
}

/// Pre-orders are promised against the merchant's release date, so `max_wait_days` does not apply.
/// Units already in the warehouse form the first shipment; batches en route come after them.
/// With no batch announced the release date is the only promise, capped by `backorder_limit`
/// or, without one, by the shop's `preorder_limit`.
fn preorder(
    stock: &Stock,
    calendar: &ShopCalendar,
    release_date: NaiveDate,
    requested: u32,
    per_order: u32,
    today: ShopDay,
) -> Evaluation {
    let shelf_free = stock.on_hand.saturating_sub(stock.already_promised);
    let beyond_shelf = Stock {
        already_promised: stock.already_promised.saturating_sub(stock.on_hand),
        ..stock.clone()
    };
    let queue = BatchQueue::new(&beyond_shelf, calendar, today, None);
    // With no batch announced, the release date itself is the merchant's promise, whether the
    // shelf is empty or already promised in full.
    let open_ended = stock.incoming.is_empty();
    let limit = match open_ended {
        true => Some(stock.backorder_limit.unwrap_or(calendar.preorder_limit)),
        false => stock.backorder_limit,
    };
    let from_batches = match open_ended {
        true => MAX_QUANTITY,
        false => queue.dated_capacity(),
    };
    let mut reservable = shelf_free.saturating_add(from_batches).min(MAX_QUANTITY);
    if let Some(limit) = limit {
        reservable = reservable.min(limit.saturating_sub(stock.already_promised));
    }
    let max_quantity = reservable.min(per_order);
    let late_delivery = queue.has_late_batch;
    if max_quantity == 0 {
        let reason = match open_ended {
            true => NoDateReason::CapReached,
            false => queue.reason_for_no_date(),
        };
        return Evaluation {
            availability: Availability::OutOfStock {
                notify: true,
                reason,
            },
            quantity: requested,
            limited: false,
            max_quantity,
            reservable,
            late_delivery,
        };
    }
    let quantity = requested.min(max_quantity);
    // Nothing ships on a day the warehouse is closed, release day or not.
    let release_ship = calendar
        .ship_date(release_date.max(today.handling_from), 0)
        .unwrap_or(release_date);
    let from_queue = quantity.saturating_sub(shelf_free);
    let batch_date = if from_queue == 0 || open_ended {
        None
    } else {
        queue.ship_date_for(from_queue)
    };
    let expected_ship_date = batch_date.map_or(release_ship, |date| date.max(release_ship));
    Evaluation {
        availability: Availability::Preorder {
            release_date,
            expected_ship_date,
        },
        quantity,
        limited: requested > max_quantity,
        max_quantity,
        reservable,
        late_delivery,
    }
}

/// A product with a release date had its pre-orders promised from the shelf first (see
/// `preorder`). From release day on they still are: the shelf and the promised units net out
/// before anything is sold, so the day of release cannot sell the same units twice. Other
/// products' promised units wait for batches, and are left as they are.
pub(crate) fn shelf_first(stock: &Stock) -> Cow<'_, Stock> {
    if stock.release_date.is_none() || stock.already_promised == 0 || stock.on_hand == 0 {
        return Cow::Borrowed(stock);
    }
    Cow::Owned(Stock {
        on_hand: stock.on_hand.saturating_sub(stock.already_promised),
        already_promised: stock.already_promised.saturating_sub(stock.on_hand),
        ..stock.clone()
    })
}

fn low_stock(stock: &Stock) -> Option<u32> {
    stock
        .low_stock_threshold
        .filter(|&threshold| stock.on_hand <= threshold)
        .map(|_| stock.on_hand)
}

/// The incoming batches as a first-in, first-out queue, after the units already promised.
struct BatchQueue {
    /// Per dated batch (in arrival order): units still free for new orders and their ship date.
    free_batches: Vec<(u32, NaiveDate)>,
    /// What `backorder_limit` still allows, if set.
    limit_left: Option<u32>,
    has_late_batch: bool,
    has_batch_beyond_wait: bool,
    has_any_batch: bool,
}

impl BatchQueue {
    /// `max_wait_days`: batches shipping later than this many days from today are not promised.
    fn new(
        stock: &Stock,
        calendar: &ShopCalendar,
        today: ShopDay,
        max_wait_days: Option<u32>,
    ) -> Self {
        let mut promised_left = stock.already_promised;
        let mut free_batches = Vec::new();
        let mut has_late_batch = false;
        let mut has_batch_beyond_wait = false;
        // A late batch is no promise: its units are left out of the queue, so the units already
        // promised are served from the dated batches first. That can only push a new shopper's
        // date later, never earlier than the truth.
        for batch in &stock.incoming {
            if batch.expected_arrival < today.date {
                has_late_batch = true;
                continue;
            }
            let consumed = promised_left.min(batch.quantity);
            promised_left -= consumed;
            let free = batch.quantity - consumed;
            // Goods that arrive after the day's cutoff start their handling the next day.
            let handled_from = batch.expected_arrival.max(today.handling_from);
            let Some(ship_date) = calendar.ship_date(handled_from, stock.handling_days) else {
                // Past the last day a date can name: too far out to promise.
                has_batch_beyond_wait |= free > 0;
                continue;
            };
            let wait_days = (ship_date - today.date).num_days();
            if max_wait_days.is_some_and(|max| wait_days > i64::from(max)) {
                has_batch_beyond_wait |= free > 0;
                free_batches.push((0, ship_date));
                continue;
            }
            free_batches.push((free, ship_date));
        }
        Self {
            free_batches,
            limit_left: stock
                .backorder_limit
                .map(|limit| limit.saturating_sub(stock.already_promised)),
            has_late_batch,
            has_batch_beyond_wait,
            has_any_batch: !stock.incoming.is_empty(),
        }
    }

    fn dated_capacity(&self) -> u32 {
        let en_route: u32 = self
            .free_batches
            .iter()
            .map(|(free, _)| *free)
            .fold(0, u32::saturating_add);
        self.limit_left
            .map_or(en_route, |limit| en_route.min(limit))
    }

    /// The ship date of the batch that covers the `units`-th new unit, if one does.
    fn ship_date_for(&self, units: u32) -> Option<NaiveDate> {
        if units > self.dated_capacity() {
            return None;
        }
        let mut covered = 0u32;
        self.free_batches.iter().find_map(|&(free, ship_date)| {
            covered = covered.saturating_add(free);
            (free > 0 && covered >= units).then_some(ship_date)
        })
    }

    fn reason_for_no_date(&self) -> NoDateReason {
        if self.has_batch_beyond_wait {
            NoDateReason::BeyondMaxWait
        } else if self.has_late_batch && self.free_batches.iter().all(|(free, _)| *free == 0) {
            NoDateReason::Delayed
        } else if self.has_any_batch || self.limit_left == Some(0) {
            NoDateReason::CapReached
        } else {
            NoDateReason::NothingIncoming
        }
    }
}
