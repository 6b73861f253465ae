//! Organizations: creation, roles, two-step ownership transfer, and the per-address index
//! (`ORGS_OF_*`) that lists an address's orgs without range iteration.

use privexbot_shared::cosmwasm_std::{Addr, Deps, DepsMut, MessageInfo, Response, Storage};

use privexbot_shared::json_writer::JsonWriter;

use crate::msg::{FindOrgResponse, OrgMembership, OrgResponse, OrgsOfResponse, Role};
use crate::payments::no_funds;
use crate::state::{
    Org, CONFIG, ORGS, ORGS_CREATED_BY, ORGS_OF_AT, ORGS_OF_COUNT, ORGS_OF_POS, ORG_COUNT,
};
use crate::ContractError;

pub(crate) const MAX_NAME_LEN: usize = 64;
/// Bounds every per-org role list, so that reading an org costs bounded gas.
pub(crate) const MAX_ROLE_MEMBERS: usize = 50;
const DEFAULT_PAGE: u32 = 30;
const MAX_PAGE: u32 = 100;

pub(crate) fn validate_name(name: &str) -> Result<String, ContractError> {
    let trimmed = name.trim();
    let reason = if trimmed.is_empty() {
        Some("must not be empty".to_string())
    } else if trimmed.chars().count() > MAX_NAME_LEN {
        Some(format!("at most {MAX_NAME_LEN} characters"))
    } else if trimmed.chars().any(char::is_control) {
        Some("must not contain control characters".to_string())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ContractError::InvalidName { reason }),
        None => Ok(trimmed.to_string()),
    }
}

pub(crate) fn validate_addr(deps: &Deps, address: &str) -> Result<Addr, ContractError> {
    deps.api
        .addr_validate(address)
        .map_err(|_| ContractError::InvalidAddress {
            address: address.to_string(),
        })
}

pub(crate) fn load_org(store: &dyn Storage, org_id: u64) -> Result<Org, ContractError> {
    ORGS.may_load(store, &org_id)?
        .ok_or(ContractError::OrgNotFound { id: org_id })
}

pub(crate) fn is_owner_or_admin(org: &Org, addr: &Addr) -> bool {
    org.owner == *addr || org.admins.contains(addr)
}

/// Loads an org and checks that `sender` is its owner or one of its admins.
pub(crate) fn org_managed_by(
    store: &dyn Storage,
    org_id: u64,
    sender: &Addr,
) -> Result<Org, ContractError> {
    let org = load_org(store, org_id)?;
    if is_owner_or_admin(&org, sender) {
        Ok(org)
    } else {
        Err(ContractError::Unauthorized {})
    }
}

/// Loads an org and checks that `sender` is its owner.
pub(crate) fn org_owned_by(
    store: &dyn Storage,
    org_id: u64,
    sender: &Addr,
) -> Result<Org, ContractError> {
    let org = load_org(store, org_id)?;
    if org.owner == *sender {
        Ok(org)
    } else {
        Err(ContractError::Unauthorized {})
    }
}

fn has_any_relation(org: &Org, addr: &Addr) -> bool {
    org.owner == *addr
        || org.pending_owner.as_ref() == Some(addr)
        || org.admins.contains(addr)
        || org.members.contains(addr)
        || org.auditors.contains(addr)
}

/// Makes the per-address index agree with `org` for one address: the org is listed exactly
/// when the address has a relation to it. The index is a dense array per address
/// (`ORGS_OF_AT`) plus each entry's position (`ORGS_OF_POS`), so adding and removing are O(1)
/// (removal moves the last entry into the hole) and no address's list has to be capped, which
/// would let anyone fill a victim's list with junk orgs.
fn reindex(
    store: &mut dyn Storage,
    org_id: u64,
    org: &Org,
    addr: &Addr,
) -> Result<(), ContractError> {
    let position = ORGS_OF_POS.may_load(store, &(addr.clone(), org_id))?;
    let count = ORGS_OF_COUNT.may_load(store, addr)?.unwrap_or(0);
    match (has_any_relation(org, addr), position) {
        (true, None) => {
            ORGS_OF_AT.save(store, &(addr.clone(), count), &org_id)?;
            ORGS_OF_POS.save(store, &(addr.clone(), org_id), &count)?;
            ORGS_OF_COUNT.save(store, addr, &(count + 1))?;
        }
        (false, Some(pos)) => {
            let last = count - 1;
            if pos != last {
                let moved = ORGS_OF_AT.load(store, &(addr.clone(), last))?;
                ORGS_OF_AT.save(store, &(addr.clone(), pos), &moved)?;
                ORGS_OF_POS.save(store, &(addr.clone(), moved), &pos)?;
            }
            ORGS_OF_AT.remove(store, &(addr.clone(), last));
            ORGS_OF_POS.remove(store, &(addr.clone(), org_id));
            ORGS_OF_COUNT.save(store, addr, &last)?;
        }
        _ => {}
    }
    Ok(())
}

/// Saves an org and re-indexes the addresses whose relation to it may have changed.
fn save_org(
    store: &mut dyn Storage,
    org_id: u64,
    org: &Org,
    touched: &[&Addr],
) -> Result<(), ContractError> {
    ORGS.save(store, &org_id, org)?;
    for addr in touched {
        reindex(store, org_id, org, addr)?;
    }
    Ok(())
}

fn role_list(org: &mut Org, role: Role) -> &mut Vec<Addr> {
    match role {
        Role::Admin => &mut org.admins,
        Role::Member => &mut org.members,
        Role::Auditor => &mut org.auditors,
    }
}

fn role_name(role: Role) -> String {
    match role {
        Role::Admin => "admin",
        Role::Member => "member",
        Role::Auditor => "auditor",
    }
    .to_string()
}

/// Admins are managed by the owner; members and auditors by the owner or an admin.
fn may_manage_role(org: &Org, sender: &Addr, role: Role) -> bool {
    match role {
        Role::Admin => org.owner == *sender,
        Role::Member | Role::Auditor => is_owner_or_admin(org, sender),
    }
}

pub fn execute_create_org(
    deps: DepsMut,
    info: MessageInfo,
    name: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let name = validate_name(&name)?;
    let created = ORGS_CREATED_BY
        .may_load(deps.storage, &info.sender)?
        .unwrap_or(0);
    if let Some(cap) = CONFIG.load(deps.storage)?.max_orgs_per_creator {
        if created >= cap {
            return Err(ContractError::OrgCreationCapReached {
                owner: info.sender.to_string(),
                cap,
            });
        }
    }
    ORGS_CREATED_BY.save(deps.storage, &info.sender, &(created + 1))?;
    let org_id = ORG_COUNT.may_load(deps.storage)?.unwrap_or(0) + 1;
    ORG_COUNT.save(deps.storage, &org_id)?;
    let org = Org {
        name,
        owner: info.sender.clone(),
        admins: vec![],
        members: vec![],
        auditors: vec![],
        pending_owner: None,
    };
    save_org(deps.storage, org_id, &org, &[&info.sender])?;
    Ok(Response::new()
        .set_data(JsonWriter::to_vec(&org_id))
        .add_attribute("action", "create_org")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("owner", info.sender))
}

pub fn execute_rename_org(
    deps: DepsMut,
    info: MessageInfo,
    org_id: u64,
    name: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut org = org_managed_by(deps.storage, org_id, &info.sender)?;
    org.name = validate_name(&name)?;
    ORGS.save(deps.storage, &org_id, &org)?;
    Ok(Response::new()
        .add_attribute("action", "rename_org")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("name", org.name))
}

pub fn execute_add_org_role(
    deps: DepsMut,
    info: MessageInfo,
    org_id: u64,
    role: Role,
    address: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut org = load_org(deps.storage, org_id)?;
    if !may_manage_role(&org, &info.sender, role) {
        return Err(ContractError::Unauthorized {});
    }
    let addr = validate_addr(&deps.as_ref(), &address)?;
    let list = role_list(&mut org, role);
    if list.contains(&addr) {
        return Err(ContractError::RoleAlreadyGranted {
            org_id,
            role: role_name(role),
            address: addr.to_string(),
        });
    }
    if list.len() >= MAX_ROLE_MEMBERS {
        return Err(ContractError::LimitReached {
            what: format!("{}s per org", role_name(role)),
            max: MAX_ROLE_MEMBERS as u64,
        });
    }
    list.push(addr.clone());
    save_org(deps.storage, org_id, &org, &[&addr])?;
    Ok(Response::new()
        .add_attribute("action", "add_org_role")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("role", role_name(role))
        .add_attribute("address", addr))
}

pub fn execute_remove_org_role(
    deps: DepsMut,
    info: MessageInfo,
    org_id: u64,
    role: Role,
    address: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut org = load_org(deps.storage, org_id)?;
    let addr = validate_addr(&deps.as_ref(), &address)?;
    // Anyone may give up their own role.
    if !may_manage_role(&org, &info.sender, role) && info.sender != addr {
        return Err(ContractError::Unauthorized {});
    }
    let list = role_list(&mut org, role);
    let before = list.len();
    list.retain(|a| *a != addr);
    if list.len() == before {
        return Err(ContractError::RoleNotGranted {
            org_id,
            role: role_name(role),
            address: addr.to_string(),
        });
    }
    save_org(deps.storage, org_id, &org, &[&addr])?;
    Ok(Response::new()
        .add_attribute("action", "remove_org_role")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("role", role_name(role))
        .add_attribute("address", addr))
}

pub fn execute_propose_org_owner(
    deps: DepsMut,
    info: MessageInfo,
    org_id: u64,
    new_owner: String,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut org = org_owned_by(deps.storage, org_id, &info.sender)?;
    let new_owner = validate_addr(&deps.as_ref(), &new_owner)?;
    let previous = org.pending_owner.replace(new_owner.clone());
    let mut touched = vec![&new_owner];
    if let Some(p) = previous.as_ref() {
        touched.push(p);
    }
    save_org(deps.storage, org_id, &org, &touched)?;
    Ok(Response::new()
        .add_attribute("action", "propose_org_owner")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("pending_owner", new_owner))
}

pub fn execute_accept_org_ownership(
    deps: DepsMut,
    info: MessageInfo,
    org_id: u64,
) -> Result<Response, ContractError> {
    no_funds(&info)?;
    let mut org = load_org(deps.storage, org_id)?;
    match &org.pending_owner {
        None => return Err(ContractError::NoPendingProposal {}),
        Some(p) if *p != info.sender => return Err(ContractError::Unauthorized {}),
        Some(_) => {}
    }
    let previous = std::mem::replace(&mut org.owner, info.sender.clone());
    org.pending_owner = None;
    save_org(deps.storage, org_id, &org, &[&previous, &info.sender])?;
    Ok(Response::new()
        .add_attribute("action", "accept_org_ownership")
        .add_attribute("org_id", org_id.to_string())
        .add_attribute("previous_owner", previous)
        .add_attribute("owner", info.sender))
}

pub fn query_org(deps: Deps, id: u64) -> Result<OrgResponse, ContractError> {
    let org = load_org(deps.storage, id)?;
    Ok(OrgResponse {
        id,
        name: org.name,
        owner: org.owner,
        admins: org.admins,
        members: org.members,
        auditors: org.auditors,
        pending_owner: org.pending_owner,
    })
}

pub fn query_find_org(deps: Deps, id: u64) -> Result<FindOrgResponse, ContractError> {
    let org_count = ORG_COUNT.may_load(deps.storage)?.unwrap_or(0);
    let org = match ORGS.may_load(deps.storage, &id)? {
        Some(_) => Some(query_org(deps, id)?),
        None => None,
    };
    Ok(FindOrgResponse { org, org_count })
}

pub fn query_orgs_of(
    deps: Deps,
    address: String,
    start: Option<u64>,
    limit: Option<u32>,
) -> Result<OrgsOfResponse, ContractError> {
    let addr = validate_addr(&deps, &address)?;
    let total = ORGS_OF_COUNT.may_load(deps.storage, &addr)?.unwrap_or(0);
    let start = start.unwrap_or(0);
    let end = total.min(start.saturating_add(limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE) as u64));
    let orgs = (start..end)
        .map(|index| {
            let org_id = ORGS_OF_AT.load(deps.storage, &(addr.clone(), index))?;
            let org = load_org(deps.storage, org_id)?;
            let roles = [Role::Admin, Role::Member, Role::Auditor]
                .into_iter()
                .filter(|r| match r {
                    Role::Admin => org.admins.contains(&addr),
                    Role::Member => org.members.contains(&addr),
                    Role::Auditor => org.auditors.contains(&addr),
                })
                .collect();
            Ok(OrgMembership {
                org_id,
                is_owner: org.owner == addr,
                is_pending_owner: org.pending_owner.as_ref() == Some(&addr),
                name: org.name,
                roles,
            })
        })
        .collect::<Result<_, ContractError>>()?;
    Ok(OrgsOfResponse { orgs, total })
}
