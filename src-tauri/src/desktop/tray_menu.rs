//! The tray menu as data (no Tauri here): which accounts it lists, in which order (the quick-access order of
//! [`tock_ops::accounts::quick_order`], as in the quick search), their labels, and what each item's id does.
//! `tray.rs` turns it into a real menu.
use tock_core::Account;
use tock_ops::accounts::quick_order;

/// At most this many accounts are listed; "More…" opens the window for the rest.
pub const MAX_ACCOUNTS: usize = 10;

/// Labels longer than this are shortened with "…" (menus do not wrap).
const MAX_LABEL_CHARS: usize = 48;

const COPY_PREFIX: &str = "copy:";

/// One entry of the tray menu, top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// Copies this account's current code.
    Account {
        /// The account id.
        id: String,
        /// What the menu shows.
        label: String,
    },
    /// Shown (disabled) when the vault is empty.
    NoAccounts,
    /// `hidden` accounts are not listed; opens the window.
    More {
        /// How many accounts the menu leaves out.
        hidden: usize,
    },
    Separator,
    /// Locks Tock (shown while the app lock is on and Tock is unlocked).
    Lock,
    /// Shown (disabled) while Tock is locked, instead of the accounts.
    Locked,
    /// Opens the window on its lock screen.
    Unlock,
    Open,
    Quit,
}

/// The app lock, as the menu shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockItem {
    /// The lock is off: no lock items.
    Off,
    /// The lock is on and Tock unlocked: a "Lock" item.
    Unlocked,
    /// Tock is locked: no accounts, "Unlock…".
    Locked,
}

/// What clicking an item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Copy this account's code.
    Copy(String),
    /// Show, unminimise and focus the window.
    Open,
    /// Lock Tock.
    Lock,
    /// End Tock.
    Quit,
}

impl Item {
    /// The menu item's id (what the menu event carries back).
    pub fn id(&self) -> String {
        match self {
            Item::Account { id, .. } => format!("{COPY_PREFIX}{id}"),
            Item::NoAccounts => "none".into(),
            Item::More { .. } => "more".into(),
            Item::Separator => "separator".into(),
            Item::Lock => "lock".into(),
            Item::Locked => "locked".into(),
            Item::Unlock => "unlock".into(),
            Item::Open => "open".into(),
            Item::Quit => "quit".into(),
        }
    }

    /// The text shown, in the menu toolkits' mnemonic syntax (a literal `&` is written `&&`).
    pub fn text(&self) -> String {
        match self {
            Item::Account { label, .. } => escape_mnemonic(label),
            Item::NoAccounts => "No accounts yet".into(),
            Item::More { hidden } => format!("More… ({hidden} more in the window)"),
            Item::Separator => String::new(),
            Item::Lock => "Lock".into(),
            Item::Locked => "Tock is locked".into(),
            Item::Unlock => "Unlock…".into(),
            Item::Open => "Open Tock".into(),
            Item::Quit => "Quit".into(),
        }
    }

    /// Whether the item can be clicked.
    pub fn enabled(&self) -> bool {
        !matches!(self, Item::NoAccounts | Item::Separator | Item::Locked)
    }
}

/// The action of a menu item id; `None` for ids that do nothing.
pub fn action(id: &str) -> Option<Action> {
    if let Some(account) = id.strip_prefix(COPY_PREFIX) {
        return Some(Action::Copy(account.to_owned()));
    }
    match id {
        "more" | "open" | "unlock" => Some(Action::Open),
        "lock" => Some(Action::Lock),
        "quit" => Some(Action::Quit),
        _ => None,
    }
}

/// How an account is named in the menu and the quick search: "★ " marks favourites.
pub fn account_label(account: &Account) -> String {
    let label = shorten(&account.label(), MAX_LABEL_CHARS);
    if account.favourite {
        format!("★ {label}")
    } else {
        label
    }
}

/// The whole menu for these accounts (in display order); while locked, no account at all.
pub fn items(accounts: &[Account], lock: LockItem) -> Vec<Item> {
    if lock == LockItem::Locked {
        return vec![Item::Locked, Item::Separator, Item::Unlock, Item::Quit];
    }
    let ordered = quick_order(accounts);
    let mut items: Vec<Item> = ordered
        .iter()
        .take(MAX_ACCOUNTS)
        .map(|a| Item::Account {
            id: a.id.to_string(),
            label: account_label(a),
        })
        .collect();
    if accounts.is_empty() {
        items.push(Item::NoAccounts);
    }
    if ordered.len() > MAX_ACCOUNTS {
        items.push(Item::More {
            hidden: ordered.len() - MAX_ACCOUNTS,
        });
    }
    items.push(Item::Separator);
    if lock == LockItem::Unlocked {
        items.push(Item::Lock);
    }
    items.extend([Item::Open, Item::Quit]);
    items
}

fn escape_mnemonic(text: &str) -> String {
    text.replace('&', "&&")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tock_core::{AccountId, OtpParams};

    fn account(n: u8, issuer: &str, favourite: bool, last_used: Option<u64>) -> Account {
        Account {
            id: AccountId::from_random([n; 8]),
            issuer: issuer.into(),
            name: "alice".into(),
            params: OtpParams::totp_default(),
            added_at: 1_700_000_000,
            notes: String::new(),
            backup_codes: None,
            favourite,
            last_used,
            sign_in: None,
        }
    }

    fn labels(items: &[Item]) -> Vec<String> {
        items.iter().map(Item::text).collect()
    }

    #[test]
    fn favourites_then_recently_used_then_the_rest() {
        let accounts = [
            account(1, "A", false, None),
            account(2, "B", false, Some(100)),
            account(3, "C", true, Some(50)),
            account(4, "D", false, Some(300)),
            account(5, "E", true, None),
            account(6, "F", false, None),
        ];
        let order: Vec<&str> = quick_order(&accounts)
            .iter()
            .map(|a| a.issuer.as_str())
            .collect();
        assert_eq!(order, ["C", "E", "D", "B", "A", "F"]);
        assert_eq!(
            labels(&items(&accounts, LockItem::Off)),
            [
                "★ C (alice)",
                "★ E (alice)",
                "D (alice)",
                "B (alice)",
                "A (alice)",
                "F (alice)",
                "",
                "Open Tock",
                "Quit"
            ]
        );
    }

    #[test]
    fn long_lists_end_with_more_and_empty_vaults_say_so() {
        let accounts: Vec<Account> = (0..13)
            .map(|n| account(n, &format!("Site {n}"), false, None))
            .collect();
        let menu = items(&accounts, LockItem::Off);
        assert_eq!(menu.len(), MAX_ACCOUNTS + 4);
        assert_eq!(menu[MAX_ACCOUNTS], Item::More { hidden: 3 });
        assert_eq!(menu[MAX_ACCOUNTS].text(), "More… (3 more in the window)");
        assert_eq!(
            items(&[], LockItem::Off),
            [Item::NoAccounts, Item::Separator, Item::Open, Item::Quit]
        );
        assert!(!Item::NoAccounts.enabled() && Item::Open.enabled());
    }

    #[test]
    fn ids_map_back_to_actions() {
        let accounts = [account(7, "GitHub", false, None)];
        let menu = items(&accounts, LockItem::Off);
        let actions: Vec<Option<Action>> = menu.iter().map(|i| action(&i.id())).collect();
        assert_eq!(
            actions,
            [
                Some(Action::Copy("0707070707070707".into())),
                None,
                Some(Action::Open),
                Some(Action::Quit)
            ]
        );
        assert_eq!(action("more"), Some(Action::Open));
        assert_eq!(action("bogus"), None);
    }

    #[test]
    fn the_lock_adds_lock_and_locked_hides_every_account() {
        let accounts = [account(7, "GitHub", false, None)];
        assert_eq!(
            labels(&items(&accounts, LockItem::Unlocked)),
            ["GitHub (alice)", "", "Lock", "Open Tock", "Quit"]
        );
        let locked = items(&accounts, LockItem::Locked);
        assert_eq!(labels(&locked), ["Tock is locked", "", "Unlock…", "Quit"]);
        assert!(!locked[0].enabled());
        assert_eq!(action("lock"), Some(Action::Lock));
        assert_eq!(action("unlock"), Some(Action::Open));
    }

    #[test]
    fn labels_escape_mnemonics_and_stay_short() {
        let mut a = account(1, "AT&T", false, None);
        assert_eq!(
            items(std::slice::from_ref(&a), LockItem::Off)[0].text(),
            "AT&&T (alice)"
        );
        a.issuer = "A very long issuer name that goes on and on".into();
        let label = account_label(&a);
        assert_eq!(label.chars().count(), MAX_LABEL_CHARS);
        assert!(label.ends_with('…'), "{label}");
    }
}
