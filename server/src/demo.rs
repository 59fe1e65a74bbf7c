//! Demo data from the real directives in `shared/seeds`: the 2022 movement of Chỉ thị 103/CT-BTTTT and the
//! Vĩnh Phúc department of information and communications with its culture-information centres, as in its
//! 2021 plan (the district centres report yearly to the department office).

use chrono::NaiveDate;
use domain::api::{Movement, OrgUnit, Role};

use crate::auth::hash_password;
use crate::db::{Db, NewUser};
use crate::error::ApiError;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "thidua2026";

pub const DEPARTMENT_ID: &str = "so-tttt-vinh-phuc";

/// (id, name) of the centres under the department.
pub const CENTRES: [(&str, &str); 4] = [
    ("ttvh-tam-duong", "Trung tâm Văn hóa - Thông tin - Thể thao huyện Tam Dương"),
    ("ttvh-lap-thach", "Trung tâm Văn hóa - Thông tin - Thể thao huyện Lập Thạch"),
    ("ttvh-vinh-tuong", "Trung tâm Văn hóa - Thông tin - Thể thao huyện Vĩnh Tường"),
    ("ttvh-phuc-yen", "Trung tâm Văn hóa - Thông tin - Thể thao thành phố Phúc Yên"),
];

/// (login, full name, position, role, unit)
pub const ACCOUNTS: [(&str, &str, &str, Role, &str); 10] = [
    ("vanphong", "Nguyễn Thị Hồng Nhung", "Chuyên viên Văn phòng Sở", Role::Office, DEPARTMENT_ID),
    ("quantri", "Bùi Đức Anh", "Quản trị hệ thống", Role::Admin, DEPARTMENT_ID),
    ("hoidong.thu", "Lê Thị Thu", "Ủy viên Hội đồng Thi đua - Khen thưởng", Role::CouncilMember, DEPARTMENT_ID),
    ("tamduong.lan", "Trần Thị Lan", "Viên chức tuyên truyền", Role::Staff, "ttvh-tam-duong"),
    ("tamduong.minh", "Lê Văn Minh", "Viên chức thông tin cơ sở", Role::Staff, "ttvh-tam-duong"),
    ("tamduong.giamdoc", "Phạm Quốc Hùng", "Giám đốc Trung tâm", Role::UnitHead, "ttvh-tam-duong"),
    ("lapthach.hoa", "Đỗ Thị Hoa", "Viên chức văn hóa", Role::Staff, "ttvh-lap-thach"),
    ("lapthach.giamdoc", "Nguyễn Văn Toàn", "Giám đốc Trung tâm", Role::UnitHead, "ttvh-lap-thach"),
    ("vinhtuong.son", "Hoàng Văn Sơn", "Viên chức thông tin cơ sở", Role::Staff, "ttvh-vinh-tuong"),
    ("phucyen.thu", "Vũ Thị Thu", "Viên chức tuyên truyền", Role::Staff, "ttvh-phuc-yen"),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn movement_2022() -> Movement {
    Movement {
        id: "ct-103-btttt-2022".into(),
        name: "Phong trào thi đua năm 2022 của ngành Thông tin và Truyền thông".into(),
        theme: "Toàn ngành Thông tin và Truyền thông thi đua đổi mới, sáng tạo, đi đầu thực hiện chuyển đổi số \
                để phát triển bền vững"
            .into(),
        kind: "thường xuyên".into(),
        document_number: "103/CT-BTTTT".into(),
        document_date: date(2021, 12, 13),
        issuer: "Bộ Thông tin và Truyền thông".into(),
        period_from: date(2022, 1, 1),
        period_to: date(2022, 12, 31),
        fields: [
            "Bưu chính",
            "Viễn thông",
            "Ứng dụng công nghệ thông tin",
            "An toàn thông tin mạng",
            "Kinh tế số",
            "Công nghiệp ICT",
            "Báo chí, truyền thông",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// Fills an empty database with the demo org tree, accounts and movement.
pub async fn seed(db: &Db) -> Result<(), ApiError> {
    let founded = date(2008, 8, 1);
    db.insert_unit(&OrgUnit {
        id: DEPARTMENT_ID.into(),
        parent_id: None,
        kind: "Sở".into(),
        name: "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc".into(),
        valid_from: founded,
        valid_to: None,
    })
    .await?;
    for (id, name) in CENTRES {
        db.insert_unit(&OrgUnit {
            id: id.into(),
            parent_id: Some(DEPARTMENT_ID.into()),
            kind: "Trung tâm Văn hóa - Thông tin".into(),
            name: name.into(),
            valid_from: founded,
            valid_to: None,
        })
        .await?;
    }
    // One hash for all demo accounts: each argon2 hash costs tens of milliseconds, and they share a password.
    let password_hash = hash_password(DEMO_PASSWORD)?;
    for (login, full_name, position, role, unit_id) in ACCOUNTS {
        db.insert_user(&NewUser {
            id: login,
            login,
            full_name,
            position,
            role,
            unit_id,
            password_hash: &password_hash,
        })
        .await?;
    }
    db.insert_movement(&movement_2022()).await?;
    Ok(())
}
