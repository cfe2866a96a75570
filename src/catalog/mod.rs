//! What ramguard knows about RAM beyond its grammar: condition keys, service codes, and the
//! kvstore actions with their access levels. The lists are versioned data files under `data/`,
//! compiled into the binary and read once, on first use; users extend them in `ramguard.toml`.

pub mod conditions;

use std::collections::BTreeMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock};

/// The catalogue's maps: looked up for every action of every document, so hashed with a cheap
/// multiplicative hash (the keys are the catalogue's own, so no input can crowd one bucket;
/// SipHash's protection buys nothing here and cost a tenth of a lint run).
type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<WordHasher>>;
type HashSet<K> = std::collections::HashSet<K, BuildHasherDefault<WordHasher>>;

/// The hash of rustc's own tables (FxHash): eight bytes at a time, one multiply each.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordHasher(u64);

impl WordHasher {
    const SEED: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0; 8];
            buf.copy_from_slice(word);
            self.add(u64::from_le_bytes(buf));
        }
        let mut buf = [0; 8];
        let rest = words.remainder();
        if let Some(tail) = buf.get_mut(..rest.len()) {
            tail.copy_from_slice(rest);
        }
        self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The table takes its control bits from the top: bring the well-mixed bits there.
        self.0.rotate_left(26)
    }
}

const KVSTORE_ACTIONS: &str = include_str!("data/kvstore-actions.txt");
const SERVICES: &str = include_str!("data/services.txt");

/// How much an action can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessLevel {
    Read,
    Write,
    Delete,
    DataDestroying,
    /// Added by the user, without a level.
    Unclassified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub name: String,
    /// The name in ASCII lowercase, for matching patterns without allocating.
    pub lowercase: String,
    pub level: AccessLevel,
}

/// Service codes and the actions of the catalogued services.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    services: HashSet<String>,
    /// Near misses that grant nothing (`r-kvstore`), to the code they meant.
    aliases: HashMap<String, String>,
    /// Per catalogued service (lowercase), its actions.
    actions: HashMap<String, ServiceActions>,
}

/// The actions of one service, and their indexes for a lookup in one hash each.
#[derive(Debug, Clone, Default)]
struct ServiceActions {
    list: Vec<Action>,
    /// By documented name.
    exact: HashMap<String, usize>,
    /// By lowercase name.
    folded: HashMap<String, usize>,
    /// The lowercase names, sorted: whether a `Prefix*` wildcard matches any is one binary search.
    sorted_lowercase: Vec<String>,
}

impl ServiceActions {
    /// The index of a list read at start-up, built in one go: room for every action reserved
    /// at once, and the lowercase names sorted once rather than kept sorted by insertion. The
    /// same as [`Self::push`] of each in turn.
    fn of(actions: Vec<Action>) -> Self {
        let mut this = Self {
            list: Vec::with_capacity(actions.len()),
            exact: HashMap::with_capacity_and_hasher(actions.len(), BuildHasherDefault::default()),
            folded: HashMap::with_capacity_and_hasher(actions.len(), BuildHasherDefault::default()),
            sorted_lowercase: Vec::with_capacity(actions.len()),
        };
        for action in actions {
            if this.exact.contains_key(&action.name) {
                continue;
            }
            this.exact.insert(action.name.clone(), this.list.len());
            this.folded.insert(action.lowercase.clone(), this.list.len());
            this.sorted_lowercase.push(action.lowercase.clone());
            this.list.push(action);
        }
        this.sorted_lowercase.sort_unstable();
        this.sorted_lowercase.dedup();
        this
    }

    fn push(&mut self, action: Action) {
        if self.exact.contains_key(&action.name) {
            return;
        }
        self.exact.insert(action.name.clone(), self.list.len());
        self.folded.insert(action.lowercase.clone(), self.list.len());
        if let Err(at) = self.sorted_lowercase.binary_search(&action.lowercase) {
            self.sorted_lowercase.insert(at, action.lowercase.clone());
        }
        self.list.push(action);
    }
}

/// What the catalogue says of one service code ([`Catalog::service`]).
#[derive(Debug, Clone, Copy)]
pub struct ServiceEntry<'c> {
    /// [`Catalog::knows_service`] of the code.
    pub known: bool,
    actions: Option<&'c ServiceActions>,
}

impl<'c> ServiceEntry<'c> {
    /// [`Catalog::lookup`] of an action name of this service.
    pub fn lookup(&self, name: &str) -> Lookup<'c> {
        lookup_in(self.actions, name)
    }
}

/// An action name among a service's actions (`None`: a service without an action list).
fn lookup_in<'c>(actions: Option<&'c ServiceActions>, name: &str) -> Lookup<'c> {
    let Some(actions) = actions else {
        return Lookup::NotCatalogued;
    };
    // The documented spelling, the common case, needs no folding.
    if let Some(action) = actions.exact.get(name).and_then(|&i| actions.list.get(i)) {
        return Lookup::Known(action);
    }
    match actions
        .folded
        .get(&name.to_ascii_lowercase())
        .and_then(|&i| actions.list.get(i))
    {
        Some(action) if action.name == name => Lookup::Known(action),
        Some(action) => Lookup::OtherCase(action),
        None => Lookup::Unknown,
    }
}

/// What the catalogue says of one action name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    Known(&'a Action),
    /// Known, but written in another case.
    OtherCase(&'a Action),
    Unknown,
    /// The service has no action list: nothing to say.
    NotCatalogued,
}

static BUILTIN: LazyLock<Arc<Catalog>> = LazyLock::new(|| Arc::new(Catalog::builtin()));

impl Catalog {
    /// The catalogue shipped with ramguard.
    pub fn shared() -> Arc<Self> {
        BUILTIN.clone()
    }

    fn builtin() -> Self {
        let mut catalog = Self::default();
        // Every process builds this (`--version` counts it): room reserved once, not regrown.
        catalog.services.reserve(SERVICES.lines().count());
        for line in data_lines(SERVICES) {
            match line.split_once("->") {
                Some((alias, code)) => {
                    catalog
                        .aliases
                        .insert(alias.trim().to_string(), code.trim().to_string());
                }
                None => {
                    catalog.services.insert(line.to_string());
                }
            }
        }
        let actions: Vec<Action> = data_lines(KVSTORE_ACTIONS)
            .filter_map(|line| {
                let (name, level) = line.split_once(' ')?;
                let level = match level.trim() {
                    "read" => AccessLevel::Read,
                    "delete" => AccessLevel::Delete,
                    "data-destroying" => AccessLevel::DataDestroying,
                    _ => AccessLevel::Write,
                };
                Some(Action {
                    name: name.to_string(),
                    lowercase: name.to_ascii_lowercase(),
                    level,
                })
            })
            .collect();
        catalog.actions.insert("kvstore".into(), ServiceActions::of(actions));
        catalog
    }

    /// This catalogue with the user's services and actions added.
    pub fn extended(&self, services: &[String], actions: &BTreeMap<String, Vec<String>>) -> Self {
        let mut catalog = self.clone();
        catalog.services.extend(services.iter().cloned());
        for (service, names) in actions {
            catalog.services.insert(service.clone());
            let list = catalog.actions.entry(service.to_ascii_lowercase()).or_default();
            for name in names {
                list.push(Action {
                    name: name.clone(),
                    lowercase: name.to_ascii_lowercase(),
                    level: AccessLevel::Unclassified,
                });
            }
        }
        catalog
    }

    /// Whether `code` is a service code ramguard knows (service codes are written in lowercase;
    /// another case is `action-case-mismatch`'s business).
    pub fn knows_service(&self, code: &str) -> bool {
        self.services.contains(code)
            || (crate::ascii::has_uppercase(code) && self.services.contains(&code.to_ascii_lowercase()))
    }

    pub fn services(&self) -> impl Iterator<Item = &str> {
        self.services.iter().map(String::as_str)
    }

    /// The code a near miss meant (`r-kvstore` → `kvstore`).
    pub fn alias(&self, code: &str) -> Option<&str> {
        self.aliases.get(&code.to_ascii_lowercase()).map(String::as_str)
    }

    /// The actions of a catalogued service.
    pub fn actions(&self, service: &str) -> Option<&[Action]> {
        self.service_actions(service).map(|s| s.list.as_slice())
    }

    /// The actions of a catalogued service, its code written in any case (the catalogue keeps
    /// codes in lowercase).
    fn service_actions(&self, code: &str) -> Option<&ServiceActions> {
        if crate::ascii::has_uppercase(code) {
            self.actions.get(&code.to_ascii_lowercase())
        } else {
            self.actions.get(code)
        }
    }

    /// Whether some action of a catalogued service starts with `prefix` (ASCII lowercase), as
    /// the wildcard `prefix*` asks; `None` for a service without an action list.
    pub fn has_action_starting_with(&self, service: &str, prefix: &str) -> Option<bool> {
        let actions = self.service_actions(service)?;
        let sorted = &actions.sorted_lowercase;
        let first_not_below = sorted.partition_point(|name| name.as_str() < prefix);
        Some(sorted.get(first_not_below).is_some_and(|name| name.starts_with(prefix)))
    }

    pub fn lookup(&self, service: &str, name: &str) -> Lookup<'_> {
        lookup_in(self.service_actions(service), name)
    }

    /// What the catalogue says of a service code: [`Catalog::knows_service`], and the actions
    /// [`ServiceEntry::lookup`] looks names up in. A document names few services, many times.
    pub fn service(&self, code: &str) -> ServiceEntry<'_> {
        ServiceEntry {
            known: self.knows_service(code),
            actions: self.service_actions(code),
        }
    }

    /// One line on where the lists come from, for `--version` and `rules`.
    pub fn describe() -> String {
        let header = |text: &str, field: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("# {field}: ")))
                .map_or_else(String::new, str::to_string)
        };
        let catalog = Self::shared();
        format!(
            "catalogue: {} kvstore actions from {} (read {}); {} service codes (read {})",
            catalog.actions("kvstore").map_or(0, <[Action]>::len),
            header(KVSTORE_ACTIONS, "source"),
            header(KVSTORE_ACTIONS, "read"),
            catalog.services.len(),
            services_date(),
        )
    }
}

/// The date of the service-code list (`YYYY-MM-DD`), for messages that say what ramguard knew.
pub fn services_date() -> &'static str {
    SERVICES
        .lines()
        .find_map(|l| l.strip_prefix("# read: "))
        .and_then(|rest| rest.get(..10))
        .unwrap_or("unknown date")
}

/// `--version`: ramguard's version and the catalogue it carries.
pub fn version_line() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| format!("{}\n{}", env!("CARGO_PKG_VERSION"), Catalog::describe()))
}

/// The entries of a data file: comments (whole lines, or after an entry) and blank lines dropped.
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split_once('#').map_or(l, |(entry, _)| entry).trim())
        .filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue() {
        let catalog = Catalog::shared();
        assert_eq!(catalog.actions("kvstore").map(<[Action]>::len), Some(176));
        assert!(
            matches!(catalog.lookup("kvstore", "DeleteInstance"), Lookup::Known(a) if a.level == AccessLevel::Delete)
        );
        assert!(
            matches!(catalog.lookup("kvstore", "FlushInstance"), Lookup::Known(a) if a.level == AccessLevel::DataDestroying)
        );
        assert!(matches!(
            catalog.lookup("kvstore", "deleteinstance"),
            Lookup::OtherCase(_)
        ));
        assert_eq!(catalog.lookup("kvstore", "DeleteInstances"), Lookup::Unknown);
        assert_eq!(catalog.lookup("ecs", "StartInstance"), Lookup::NotCatalogued);
        assert_eq!(catalog.alias("r-kvstore"), Some("kvstore"));
        assert_eq!(catalog.has_action_starting_with("kvstore", "describe"), Some(true));
        assert_eq!(catalog.has_action_starting_with("KVStore", ""), Some(true));
        assert_eq!(catalog.has_action_starting_with("kvstore", "describex"), Some(false));
        assert_eq!(catalog.has_action_starting_with("kvstore", "zzz"), Some(false));
        assert_eq!(catalog.has_action_starting_with("ecs", "start"), None);
        assert!(catalog.knows_service("ecs-workbench"));
        assert!(!catalog.knows_service("r-kvstore"));
        // From Alibaba's list of services that work with RAM (issue 12).
        for code in ["pvtz", "iot", "pai", "eas", "yundun-sas"] {
            assert!(catalog.knows_service(code), "{code}");
        }
        assert!(
            Catalog::describe()
                .contains("176 kvstore actions from the PyPI wheel alibabacloud-r-kvstore20150101 7.0.0")
        );
    }

    #[test]
    fn an_index_built_in_one_go_is_the_one_built_by_pushes() {
        let actions: Vec<Action> = ["B", "a", "b", "A", "c", "B", "Ab"]
            .iter()
            .map(|name| Action {
                name: (*name).to_string(),
                lowercase: name.to_ascii_lowercase(),
                level: AccessLevel::Read,
            })
            .collect();
        let mut pushed = ServiceActions::default();
        for action in actions.clone() {
            pushed.push(action);
        }
        let built = ServiceActions::of(actions);
        assert_eq!(built.list, pushed.list);
        assert_eq!(built.sorted_lowercase, pushed.sorted_lowercase);
        assert_eq!(
            built.exact.iter().collect::<BTreeMap<_, _>>(),
            pushed.exact.iter().collect::<BTreeMap<_, _>>()
        );
        assert_eq!(
            built.folded.iter().collect::<BTreeMap<_, _>>(),
            pushed.folded.iter().collect::<BTreeMap<_, _>>()
        );
    }

    #[test]
    fn users_extend_it() {
        let actions = BTreeMap::from([
            ("kvstore".to_string(), vec!["DescribeConsoleOnly".to_string()]),
            ("newsvc".to_string(), vec!["Run".to_string()]),
        ]);
        let catalog = Catalog::shared().extended(&["othersvc".to_string()], &actions);
        assert!(catalog.knows_service("othersvc") && catalog.knows_service("newsvc"));
        assert!(matches!(
            catalog.lookup("kvstore", "DescribeConsoleOnly"),
            Lookup::Known(_)
        ));
        assert!(matches!(catalog.lookup("newsvc", "Run"), Lookup::Known(_)));
    }
}
