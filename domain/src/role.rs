//! Who a user is in the cycle: a unit's staff or head, the department office, a council member, or an admin.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    UnitHead,
    Office,
    CouncilMember,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Staff, Role::UnitHead, Role::Office, Role::CouncilMember, Role::Admin];

    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::UnitHead => "unit_head",
            Role::Office => "office",
            Role::CouncilMember => "council_member",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Staff => "Cán bộ",
            Role::UnitHead => "Lãnh đạo đơn vị",
            Role::Office => "Văn phòng (thường trực Hội đồng TĐKT)",
            Role::CouncilMember => "Thành viên Hội đồng TĐKT",
            Role::Admin => "Quản trị",
        }
    }
}
