//! Contracts and subscriptions as the billing system reports them, and the rules for what a
//! customer may ask to change from the portal. The billing system stays the source of truth: a
//! request is only asked for (pending) until the billing system's next import shows it done.

use super::documents::{Date, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    Monthly,
    Yearly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// One user / one installation.
    Single,
    /// Several seats.
    Multi,
}

impl Term {
    pub fn code(self) -> &'static str {
        match self {
            Term::Monthly => "monthly",
            Term::Yearly => "yearly",
        }
    }

    pub fn from_code(code: &str) -> Option<Term> {
        [Term::Monthly, Term::Yearly]
            .into_iter()
            .find(|t| t.code() == code)
    }
}

impl Licence {
    pub fn code(self) -> &'static str {
        match self {
            Licence::Single => "single",
            Licence::Multi => "multi",
        }
    }

    pub fn from_code(code: &str) -> Option<Licence> {
        [Licence::Single, Licence::Multi]
            .into_iter()
            .find(|l| l.code() == code)
    }
}

/// Most seats a contract can have or ask for.
pub const MAX_SEATS: u32 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub id: String,
    pub plan: String,
    pub licence: Licence,
    pub seats: u32,
    pub term: Term,
    /// The price per term (net).
    pub price: Money,
    pub started: Date,
    pub next_billing: Date,
    /// When the contract ends (set once it is cancelled or fixed-term).
    pub ends: Option<Date>,
    /// Cancelled at the end of the current term.
    pub cancelled: bool,
}

/// What a customer may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Monthly → yearly, from the next billing date. Always possible while the contract runs.
    SwitchToYearly,
    /// Yearly → monthly, from the end of the term: only after the yearly term was cancelled.
    SwitchToMonthly,
    /// More or fewer seats of a multi licence (fewer from the next billing date).
    ChangeSeats,
    /// Single → multi licence.
    UpgradeToMulti,
    /// Cancel at the end of the current term.
    Cancel,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 5] = [
        ChangeKind::SwitchToYearly,
        ChangeKind::SwitchToMonthly,
        ChangeKind::ChangeSeats,
        ChangeKind::UpgradeToMulti,
        ChangeKind::Cancel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::SwitchToYearly => "switch_to_yearly",
            ChangeKind::SwitchToMonthly => "switch_to_monthly",
            ChangeKind::ChangeSeats => "change_seats",
            ChangeKind::UpgradeToMulti => "upgrade_to_multi",
            ChangeKind::Cancel => "cancel",
        }
    }

    pub fn from_code(code: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_de(self) -> &'static str {
        match self {
            ChangeKind::SwitchToYearly => "Wechsel auf jährliche Abrechnung",
            ChangeKind::SwitchToMonthly => "Wechsel auf monatliche Abrechnung",
            ChangeKind::ChangeSeats => "Anzahl Lizenzen ändern",
            ChangeKind::UpgradeToMulti => "Upgrade auf Mehrplatzlizenz",
            ChangeKind::Cancel => "Kündigung zum Laufzeitende",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ChangeKind::SwitchToYearly => "switch to yearly billing",
            ChangeKind::SwitchToMonthly => "switch to monthly billing",
            ChangeKind::ChangeSeats => "change the number of seats",
            ChangeKind::UpgradeToMulti => "upgrade to a multi licence",
            ChangeKind::Cancel => "cancel at the end of the term",
        }
    }
}

/// Why a request is not possible, with the customer-facing reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub de: &'static str,
    pub en: &'static str,
}

const ENDED: Refused = Refused {
    code: "contract_ended",
    de: "Dieser Vertrag ist beendet.",
    en: "This contract has ended.",
};

/// The change as it will apply: its kind, the seats asked for, and from when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub seats: Option<u32>,
    /// The date the change takes effect (the next billing date or the end of the term).
    pub effective: Date,
}

/// Checks a request against the contract as it is on `today`.
pub fn check(
    contract: &Contract,
    kind: ChangeKind,
    seats: Option<u32>,
    today: Date,
) -> Result<Change, Refused> {
    if contract.ends.is_some_and(|end| end < today) {
        return Err(ENDED);
    }
    let seats_given = |expected: bool| -> Result<(), Refused> {
        if seats.is_some() != expected {
            return Err(Refused {
                code: if expected {
                    "seats_required"
                } else {
                    "seats_not_allowed"
                },
                de: if expected {
                    "Bitte geben Sie die gewünschte Anzahl Lizenzen an."
                } else {
                    "Für diese Änderung gibt es keine Anzahl Lizenzen."
                },
                en: if expected {
                    "Please give the number of seats you want."
                } else {
                    "This change takes no number of seats."
                },
            });
        }
        Ok(())
    };
    let term_end = contract.ends.unwrap_or(contract.next_billing);
    let change = |effective: Date| Change {
        kind,
        seats,
        effective,
    };
    match kind {
        ChangeKind::SwitchToYearly => {
            seats_given(false)?;
            if contract.term == Term::Yearly {
                return Err(Refused {
                    code: "already_yearly",
                    de: "Dieser Vertrag wird bereits jährlich abgerechnet.",
                    en: "This contract is already billed yearly.",
                });
            }
            if contract.cancelled {
                return Err(Refused {
                    code: "contract_cancelled",
                    de: "Dieser Vertrag ist gekündigt. Für einen Wechsel wenden Sie sich bitte an uns.",
                    en: "This contract is cancelled. Please contact us to switch.",
                });
            }
            Ok(change(contract.next_billing))
        }
        ChangeKind::SwitchToMonthly => {
            seats_given(false)?;
            if contract.term == Term::Monthly {
                return Err(Refused {
                    code: "already_monthly",
                    de: "Dieser Vertrag wird bereits monatlich abgerechnet.",
                    en: "This contract is already billed monthly.",
                });
            }
            if !contract.cancelled {
                return Err(Refused {
                    code: "cancel_yearly_first",
                    de: "Ein Wechsel auf monatliche Abrechnung ist erst zum Ende der Jahreslaufzeit möglich: Bitte kündigen Sie zuerst die jährliche Laufzeit.",
                    en: "Switching to monthly billing is only possible at the end of the yearly term: please cancel the yearly term first.",
                });
            }
            Ok(change(term_end))
        }
        ChangeKind::ChangeSeats => {
            seats_given(true)?;
            let wanted = seats.unwrap_or(0);
            if contract.licence == Licence::Single {
                return Err(Refused {
                    code: "single_licence",
                    de: "Eine Einzelplatzlizenz hat genau eine Lizenz. Für mehr wählen Sie das Upgrade auf eine Mehrplatzlizenz.",
                    en: "A single licence has exactly one seat. For more, choose the upgrade to a multi licence.",
                });
            }
            if wanted == 0 || wanted > MAX_SEATS {
                return Err(Refused {
                    code: "invalid_seats",
                    de: "Bitte geben Sie eine Anzahl zwischen 1 und 10.000 an.",
                    en: "Please give a number between 1 and 10,000.",
                });
            }
            if wanted == contract.seats {
                return Err(Refused {
                    code: "seats_unchanged",
                    de: "Der Vertrag hat bereits diese Anzahl Lizenzen.",
                    en: "The contract already has this number of seats.",
                });
            }
            if contract.cancelled {
                return Err(Refused {
                    code: "contract_cancelled",
                    de:
                        "Dieser Vertrag ist gekündigt. Für Änderungen wenden Sie sich bitte an uns.",
                    en: "This contract is cancelled. Please contact us for changes.",
                });
            }
            // More seats are added at once (billed pro rata); fewer from the next billing date.
            let effective = if wanted > contract.seats {
                today
            } else {
                contract.next_billing
            };
            Ok(change(effective))
        }
        ChangeKind::UpgradeToMulti => {
            if contract.licence == Licence::Multi {
                return Err(Refused {
                    code: "already_multi",
                    de: "Dieser Vertrag ist bereits eine Mehrplatzlizenz.",
                    en: "This contract already is a multi licence.",
                });
            }
            if contract.cancelled {
                return Err(Refused {
                    code: "contract_cancelled",
                    de: "Dieser Vertrag ist gekündigt. Für ein Upgrade wenden Sie sich bitte an uns.",
                    en: "This contract is cancelled. Please contact us to upgrade.",
                });
            }
            if let Some(n) = seats {
                if !(2..=MAX_SEATS).contains(&n) {
                    return Err(Refused {
                        code: "invalid_seats",
                        de: "Eine Mehrplatzlizenz hat 2 bis 10.000 Lizenzen.",
                        en: "A multi licence has 2 to 10,000 seats.",
                    });
                }
            }
            Ok(change(today))
        }
        ChangeKind::Cancel => {
            seats_given(false)?;
            if contract.cancelled {
                return Err(Refused {
                    code: "already_cancelled",
                    de: "Dieser Vertrag ist bereits zum Laufzeitende gekündigt.",
                    en: "This contract is already cancelled at the end of its term.",
                });
            }
            Ok(change(term_end))
        }
    }
}

/// Whether `contract`, as the billing system now reports it, shows the change asked for: the
/// term switched, the seats asked for, a multi licence (with the seats, where a number was
/// asked for), the cancellation. A change the billing system applied differently (other seats)
/// does not count: support answers that request by hand.
pub fn is_applied(contract: &Contract, kind: ChangeKind, seats: Option<u32>) -> bool {
    match kind {
        ChangeKind::SwitchToYearly => contract.term == Term::Yearly,
        ChangeKind::SwitchToMonthly => contract.term == Term::Monthly,
        ChangeKind::ChangeSeats => seats == Some(contract.seats),
        ChangeKind::UpgradeToMulti => {
            contract.licence == Licence::Multi && seats.is_none_or(|n| n == contract.seats)
        }
        ChangeKind::Cancel => contract.cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn contract(term: Term, licence: Licence, seats: u32, cancelled: bool) -> Contract {
        Contract {
            id: "V-1".into(),
            plan: "Pro".into(),
            licence,
            seats,
            term,
            price: Money::parse("49.00", "EUR").unwrap(),
            started: date("2026-01-01"),
            next_billing: date("2026-12-01"),
            ends: if cancelled {
                Some(date("2026-12-31"))
            } else {
                None
            },
            cancelled,
        }
    }

    const TODAY: &str = "2026-11-23";

    fn code(result: Result<Change, Refused>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(r) => r.code,
        }
    }

    #[test]
    fn monthly_to_yearly_is_always_possible_while_the_contract_runs() {
        let today = date(TODAY);
        let monthly = contract(Term::Monthly, Licence::Single, 1, false);
        let ok = check(&monthly, ChangeKind::SwitchToYearly, None, today).unwrap();
        assert_eq!(ok.effective, date("2026-12-01"));
        let yearly = contract(Term::Yearly, Licence::Single, 1, false);
        assert_eq!(
            code(check(&yearly, ChangeKind::SwitchToYearly, None, today)),
            "already_yearly"
        );
        let mut ended = monthly.clone();
        ended.ends = Some(date("2026-10-31"));
        assert_eq!(
            code(check(&ended, ChangeKind::SwitchToYearly, None, today)),
            "contract_ended"
        );
    }

    #[test]
    fn yearly_to_monthly_only_after_the_yearly_term_is_cancelled_and_from_its_end() {
        let today = date(TODAY);
        let running = contract(Term::Yearly, Licence::Single, 1, false);
        assert_eq!(
            code(check(&running, ChangeKind::SwitchToMonthly, None, today)),
            "cancel_yearly_first"
        );
        let cancelled = contract(Term::Yearly, Licence::Single, 1, true);
        let ok = check(&cancelled, ChangeKind::SwitchToMonthly, None, today).unwrap();
        assert_eq!(ok.effective, date("2026-12-31"));
        let monthly = contract(Term::Monthly, Licence::Single, 1, false);
        assert_eq!(
            code(check(&monthly, ChangeKind::SwitchToMonthly, None, today)),
            "already_monthly"
        );
    }

    #[test]
    fn seats_change_only_for_multi_licences_more_at_once_fewer_from_the_next_billing_date() {
        let today = date(TODAY);
        let multi = contract(Term::Yearly, Licence::Multi, 5, false);
        assert_eq!(
            check(&multi, ChangeKind::ChangeSeats, Some(8), today)
                .unwrap()
                .effective,
            today
        );
        assert_eq!(
            check(&multi, ChangeKind::ChangeSeats, Some(3), today)
                .unwrap()
                .effective,
            date("2026-12-01")
        );
        for (seats, expected) in [
            (Some(5), "seats_unchanged"),
            (Some(0), "invalid_seats"),
            (Some(10_001), "invalid_seats"),
            (None, "seats_required"),
        ] {
            assert_eq!(
                code(check(&multi, ChangeKind::ChangeSeats, seats, today)),
                expected
            );
        }
        let single = contract(Term::Yearly, Licence::Single, 1, false);
        assert_eq!(
            code(check(&single, ChangeKind::ChangeSeats, Some(3), today)),
            "single_licence"
        );
    }

    #[test]
    fn upgrade_single_to_multi_and_cancel_at_term_end() {
        let today = date(TODAY);
        let single = contract(Term::Monthly, Licence::Single, 1, false);
        assert_eq!(
            code(check(&single, ChangeKind::UpgradeToMulti, Some(3), today)),
            "ok"
        );
        assert_eq!(
            code(check(&single, ChangeKind::UpgradeToMulti, Some(1), today)),
            "invalid_seats"
        );
        let multi = contract(Term::Monthly, Licence::Multi, 3, false);
        assert_eq!(
            code(check(&multi, ChangeKind::UpgradeToMulti, None, today)),
            "already_multi"
        );
        let cancel = check(&single, ChangeKind::Cancel, None, today).unwrap();
        assert_eq!(cancel.effective, date("2026-12-01"));
        let cancelled = contract(Term::Monthly, Licence::Single, 1, true);
        assert_eq!(
            code(check(&cancelled, ChangeKind::Cancel, None, today)),
            "already_cancelled"
        );
        assert_eq!(
            code(check(&single, ChangeKind::Cancel, Some(2), today)),
            "seats_not_allowed"
        );
    }

    #[test]
    fn a_change_counts_as_applied_only_when_the_contract_shows_exactly_what_was_asked() {
        let monthly = contract(Term::Monthly, Licence::Single, 1, false);
        let yearly = contract(Term::Yearly, Licence::Single, 1, false);
        assert!(is_applied(&yearly, ChangeKind::SwitchToYearly, None));
        assert!(!is_applied(&monthly, ChangeKind::SwitchToYearly, None));
        assert!(is_applied(&monthly, ChangeKind::SwitchToMonthly, None));
        assert!(!is_applied(&yearly, ChangeKind::SwitchToMonthly, None));
        let multi = contract(Term::Yearly, Licence::Multi, 8, false);
        assert!(is_applied(&multi, ChangeKind::ChangeSeats, Some(8)));
        assert!(!is_applied(&multi, ChangeKind::ChangeSeats, Some(9)));
        assert!(is_applied(&multi, ChangeKind::UpgradeToMulti, None));
        assert!(is_applied(&multi, ChangeKind::UpgradeToMulti, Some(8)));
        assert!(!is_applied(&multi, ChangeKind::UpgradeToMulti, Some(5)));
        assert!(!is_applied(&yearly, ChangeKind::UpgradeToMulti, None));
        let cancelled = contract(Term::Yearly, Licence::Single, 1, true);
        assert!(is_applied(&cancelled, ChangeKind::Cancel, None));
        assert!(!is_applied(&yearly, ChangeKind::Cancel, None));
    }
}
