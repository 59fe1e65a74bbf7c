//! The tests' own world, named here and independent of the demo data (which may change for the product's
//! demo): one department, two centres (Lập Thạch formed by a merger of two older units), the accounts the
//! tests sign in with, and one movement; and, for the files that need an outside, a second department.

// The fault-injection suite includes this file alone and uses only `seed`.
#![allow(dead_code)]

use chrono::NaiveDate;
use domain::api::{Movement, OrgUnit, Role};
use domain::org::UnitMerge;
use server::db::{Db, NewUser};

pub const PASSWORD: &str = "thu-nghiem-2026";

pub const DEPARTMENT: &str = "so-tttt-vinh-phuc";
pub const TAM_DUONG: &str = "ttvh-tam-duong";
pub const LAP_THACH: &str = "ttvh-lap-thach";
/// The two units merged into Lập Thạch's centre on 1/1/2020.
/// A centre under another department: outside every Vĩnh Phúc subtree (`seed_outside`).
pub const VIET_TRI: &str = "ttvh-viet-tri";
pub const MERGED_INTO_LAP_THACH: [&str; 2] = ["tt-van-hoa-lap-thach", "dai-truyen-thanh-lap-thach"];

/// (login, full name, role, unit). The login is also the user id.
pub const ACCOUNTS: [(&str, &str, Role, &str); 8] = [
    ("vanphong", "Nguyễn Thị Hồng Nhung", Role::Office, DEPARTMENT),
    ("quantri", "Bùi Đức Anh", Role::Admin, DEPARTMENT),
    ("hoidong.thu", "Lê Thị Thu", Role::CouncilMember, DEPARTMENT),
    ("tamduong.lan", "Trần Thị Lan", Role::Staff, TAM_DUONG),
    ("tamduong.minh", "Lê Văn Minh", Role::Staff, TAM_DUONG),
    ("tamduong.giamdoc", "Phạm Quốc Hùng", Role::UnitHead, TAM_DUONG),
    ("lapthach.hoa", "Đỗ Thị Hoa", Role::Staff, LAP_THACH),
    ("lapthach.giamdoc", "Nguyễn Văn Toàn", Role::UnitHead, LAP_THACH),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn unit(id: &str, parent: Option<&str>, name: &str, from: NaiveDate, to: Option<NaiveDate>) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        parent_id: parent.map(Into::into),
        kind: if parent.is_some() { "Trung tâm" } else { "Sở" }.into(),
        name: name.into(),
        valid_from: from,
        valid_to: to,
    }
}

/// Directive 103/CT-BTTTT of 13/12/2021: the ministry's movement of 2022, over seven fields.
pub fn movement() -> Movement {
    Movement {
        id: "ct-103-btttt-2022".into(),
        name: "Phong trào thi đua năm 2022 của ngành Thông tin và Truyền thông".into(),
        theme: "Thi đua đổi mới, sáng tạo, đi đầu thực hiện chuyển đổi số".into(),
        kind: "thường xuyên".into(),
        document_number: "103/CT-BTTTT".into(),
        document_date: date(2021, 12, 13),
        issuer: "Bộ Thông tin và Truyền thông".into(),
        period_from: date(2022, 1, 1),
        period_to: date(2022, 12, 31),
        fields: [
            "Bưu chính",
            "Viễn thông",
            "Ứng dụng CNTT",
            "An toàn thông tin",
            "Kinh tế số",
            "Công nghiệp ICT",
            "Báo chí",
        ]
        .map(String::from)
        .to_vec(),
        goals: String::new(),
    }
}

pub async fn seed(db: &Db) {
    let founded = date(2008, 8, 1);
    let merged_on = date(2020, 1, 1);
    let units = [
        unit(DEPARTMENT, None, "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc", founded, None),
        unit(TAM_DUONG, Some(DEPARTMENT), "Trung tâm VH-TT-TT huyện Tam Dương", founded, None),
        unit(LAP_THACH, Some(DEPARTMENT), "Trung tâm VH-TT-TT huyện Lập Thạch", merged_on, None),
        unit(
            MERGED_INTO_LAP_THACH[0],
            Some(DEPARTMENT),
            "Trung tâm Văn hóa huyện Lập Thạch",
            founded,
            merged_on.pred_opt(),
        ),
        unit(
            MERGED_INTO_LAP_THACH[1],
            Some(DEPARTMENT),
            "Đài Truyền thanh huyện Lập Thạch",
            founded,
            merged_on.pred_opt(),
        ),
    ];
    for unit in &units {
        db.insert_unit(unit).await.expect("unit");
    }
    let merge =
        UnitMerge { from: MERGED_INTO_LAP_THACH.map(String::from).to_vec(), into: LAP_THACH.into(), on: merged_on };
    db.insert_merge(&merge).await.expect("merge");
    let password_hash = server::accounts::hash_password(PASSWORD).expect("hash");
    for (login, full_name, role, unit_id) in ACCOUNTS {
        let user = NewUser { id: login, login, full_name, position: "", role, unit_id, password_hash: &password_hash };
        db.insert_user(&user).await.expect("user");
    }
    db.save_movement(&movement()).await.expect("movement");
}

/// A second department with a centre (Việt Trì), its staff member and its head: an outside for the roles and
/// scopes that stop at the Vĩnh Phúc department.
pub async fn seed_outside(db: &Db) {
    let founded = date(2025, 7, 1);
    let department = "so-vhttdl-phu-tho";
    for unit in [
        unit(department, None, "Sở Văn hóa, Thể thao và Du lịch tỉnh Phú Thọ", founded, None),
        unit(VIET_TRI, Some(department), "Trung tâm Văn hóa - Thông tin phường Việt Trì", founded, None),
    ] {
        db.insert_unit(&unit).await.expect("unit");
    }
    let password_hash = server::accounts::hash_password(PASSWORD).expect("hash");
    for (login, full_name, role) in
        [("viettri.nam", "Đinh Văn Nam", Role::Staff), ("viettri.giamdoc", "Cao Minh Đức", Role::UnitHead)]
    {
        let user = NewUser {
            id: login,
            login,
            full_name,
            position: "",
            role,
            unit_id: VIET_TRI,
            password_hash: &password_hash,
        };
        db.insert_user(&user).await.expect("user");
    }
}
