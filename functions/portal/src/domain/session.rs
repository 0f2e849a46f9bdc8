//! Lifetimes of login links and sessions, checked in code: DynamoDB's TTL only cleans up, late.

/// A login link and its code are valid for 15 minutes.
pub const LOGIN_LIFETIME_SECONDS: u64 = 15 * 60;
/// How often a code may be tried for one login attempt.
pub const CODE_MAX_TRIES: u32 = 5;
/// A session ends after 30 minutes without a request…
pub const IDLE_TIMEOUT_SECONDS: u64 = 30 * 60;
/// …and 12 hours after login in any case.
pub const ABSOLUTE_TIMEOUT_SECONDS: u64 = 12 * 60 * 60;
/// `last_seen` is written at most this often, to keep reads cheap.
pub const TOUCH_INTERVAL_SECONDS: u64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    Active,
    IdleExpired,
    AbsoluteExpired,
}

pub fn session_state(created_at: u64, last_seen: u64, now: u64) -> SessionState {
    if now >= created_at.saturating_add(ABSOLUTE_TIMEOUT_SECONDS) {
        SessionState::AbsoluteExpired
    } else if now >= last_seen.saturating_add(IDLE_TIMEOUT_SECONDS) {
        SessionState::IdleExpired
    } else {
        SessionState::Active
    }
}

/// A login link issued at `issued_at` is still valid at `now`.
pub fn login_is_fresh(expires_at: u64, now: u64) -> bool {
    now < expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_after_idle_and_absolute_limits() {
        let t0 = 1_000_000;
        assert_eq!(session_state(t0, t0, t0 + 10), SessionState::Active);
        assert_eq!(
            session_state(t0, t0, t0 + IDLE_TIMEOUT_SECONDS - 1),
            SessionState::Active
        );
        assert_eq!(
            session_state(t0, t0, t0 + IDLE_TIMEOUT_SECONDS),
            SessionState::IdleExpired
        );
        let late = t0 + ABSOLUTE_TIMEOUT_SECONDS;
        assert_eq!(
            session_state(t0, late - 5, late),
            SessionState::AbsoluteExpired
        );
    }

    #[test]
    fn a_login_link_is_stale_from_its_expiry_second() {
        assert!(login_is_fresh(100, 99));
        assert!(!login_is_fresh(100, 100));
    }
}
