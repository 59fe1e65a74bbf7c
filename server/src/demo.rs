//! Demo data from the real directives in `shared/seeds`: the 2022 movement of Chỉ thị 103/CT-BTTTT and the
//! Vĩnh Phúc department of information and communications with its culture-information centres, as in its
//! 2021 plan (the district centres report yearly to the department office).

use chrono::{NaiveDate, Utc};
use domain::advanced_model::{ModelStatus, ModelStep};
use domain::api::{Movement, OrgUnit, Role};
use domain::calendar::Quarter;
use domain::cluster::{
    Adjustment, Cluster, ClusterKind, ClusterYear, Covenant, Criterion, GradeShare, LatenessStep, Measure, Membership,
    OverPlan, Quota,
};
use domain::council::{CouncilMember, CouncilRole};
use domain::model::{self_assessment_id, unit_profile_id};
use domain::org::UnitMerge;
use domain::sync::Op;
use domain::workflow::Action;
use domain::{Fields, Mutation, RecordKind, RecordRef};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::hash_password;
use crate::db::{Db, NewUser, Session};
use crate::error::ApiError;

/// The ids of the demo round's two nominations, fixed so that tests can tell them from their own.
pub const DEMO_ROUND: [&str; 2] = ["00000000-0000-4000-8000-00000000d001", "00000000-0000-4000-8000-00000000d002"];

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
pub const ACCOUNTS: [(&str, &str, &str, Role, &str); 11] = [
    ("vanphong", "Nguyễn Thị Hồng Nhung", "Chuyên viên Văn phòng Sở", Role::Office, DEPARTMENT_ID),
    ("quantri", "Bùi Đức Anh", "Quản trị hệ thống", Role::Admin, DEPARTMENT_ID),
    ("hoidong.thu", "Lê Thị Thu", "Ủy viên Hội đồng Thi đua - Khen thưởng", Role::CouncilMember, DEPARTMENT_ID),
    ("hoidong.chutich", "Đặng Văn Quang", "Giám đốc Sở, Chủ tịch Hội đồng", Role::CouncilMember, DEPARTMENT_ID),
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
        goals:
            "Đổi mới, sáng tạo, đi đầu thực hiện chuyển đổi số; hoàn thành vượt mức các chỉ tiêu trọng tâm năm 2022 \
                của từng lĩnh vực; phát hiện, bồi dưỡng, tổng kết và nhân rộng các điển hình tiên tiến."
                .into(),
    }
}

/// The Vĩnh Phúc department's five-year plan of 11/2021 (seed 004).
pub fn movement_2021_2025() -> Movement {
    Movement {
        id: "kh-stttt-vinh-phuc-2021-2025".into(),
        name: "Phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội hàng năm và Kế hoạch 05 \
               năm (2021-2025)"
            .into(),
        theme: "Đoàn kết, sáng tạo, thi đua xây dựng và bảo vệ Tổ quốc".into(),
        kind: "thường xuyên".into(),
        document_number: "Kế hoạch của Sở TT&TT (11/2021)".into(),
        document_date: date(2021, 11, 1),
        issuer: "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc".into(),
        period_from: date(2021, 1, 1),
        period_to: date(2025, 12, 31),
        fields: [
            "Bưu chính",
            "Viễn thông",
            "Ứng dụng công nghệ thông tin",
            "An toàn, an ninh mạng",
            "Báo chí, truyền thông",
        ]
        .map(String::from)
        .to_vec(),
        goals: "Hoàn thành đạt và vượt các nhiệm vụ, chỉ tiêu được giao theo Nghị quyết Đại hội Đảng bộ tỉnh lần thứ \
                XVII; thực hiện văn hóa công sở; đẩy mạnh chuyển đổi số."
            .into(),
    }
}

/// The special movement against COVID-19, named in the same plan.
pub fn movement_covid() -> Movement {
    Movement {
        id: "dac-biet-covid-19".into(),
        name: "Cả nước đoàn kết, chung sức đồng lòng, thi đua phòng, chống và chiến thắng đại dịch COVID-19".into(),
        theme: "Mục tiêu kép: vừa phòng chống dịch bệnh COVID-19, vừa duy trì, phục hồi, phát triển kinh tế - xã hội"
            .into(),
        kind: "đặc biệt".into(),
        document_number: "Kế hoạch của Sở TT&TT (11/2021)".into(),
        document_date: date(2021, 11, 1),
        issuer: "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc".into(),
        period_from: date(2021, 11, 1),
        period_to: date(2022, 12, 31),
        fields: vec!["Báo chí, truyền thông".into()],
        goals: String::new(),
    }
}

/// Two Lập Thạch units that merged into today's centre, so the demo shows history earned before a merge.
pub const MERGED_INTO_LAP_THACH: [(&str, &str); 2] = [
    ("tt-van-hoa-lap-thach", "Trung tâm Văn hóa huyện Lập Thạch"),
    ("dai-truyen-thanh-lap-thach", "Đài Truyền thanh huyện Lập Thạch"),
];
const LAP_THACH_MERGED_ON: (i32, u32, u32) = (2020, 1, 1);

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
    let (y, m, d) = LAP_THACH_MERGED_ON;
    let merged_on = date(y, m, d);
    for (id, name) in CENTRES {
        db.insert_unit(&OrgUnit {
            id: id.into(),
            parent_id: Some(DEPARTMENT_ID.into()),
            kind: "Trung tâm Văn hóa - Thông tin".into(),
            name: name.into(),
            valid_from: if id == "ttvh-lap-thach" { merged_on } else { founded },
            valid_to: None,
        })
        .await?;
    }
    for (id, name) in MERGED_INTO_LAP_THACH {
        db.insert_unit(&OrgUnit {
            id: id.into(),
            parent_id: Some(DEPARTMENT_ID.into()),
            kind: "Đơn vị sự nghiệp (đã hợp nhất)".into(),
            name: name.into(),
            valid_from: founded,
            valid_to: merged_on.pred_opt(),
        })
        .await?;
    }
    db.insert_merge(&UnitMerge {
        from: MERGED_INTO_LAP_THACH.map(|(id, _)| id.to_string()).to_vec(),
        into: "ttvh-lap-thach".into(),
        on: merged_on,
    })
    .await?;
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
    for movement in [movement_2022(), movement_2021_2025(), movement_covid()] {
        db.save_movement(&movement).await?;
    }
    db.insert_cluster(&cluster_of_centres(), "vanphong", Utc::now()).await?;
    Ok(())
}

/// The id of the demo's cluster.
pub const CLUSTER_ID: &str = "cum-ttvh-cap-huyen";

/// The cluster of the four district centres, led by Tam Dương with Lập Thạch as deputy, and its 2026 covenant:
/// 100 standard points over six criteria from the centres' own work, counted as the Hưng Yên council's rules and
/// guidance 1479/BTĐKT-VIII count them; two Cờ thi đua and one Bằng khen for the block.
pub fn cluster_of_centres() -> Cluster {
    let criterion = |code: &str, text: &str, points: f64, measure| Criterion {
        code: code.into(),
        text: text.into(),
        points,
        measure,
    };
    let adjustment = |code: &str, text: &str, points: f64| Adjustment { code: code.into(), text: text.into(), points };
    let covenant = Covenant {
        signed_on: date(2026, 1, 20),
        criteria: vec![
            criterion("tuyen-truyen", "Số buổi tuyên truyền lưu động, cổ động trực quan", 20.0, Measure::Increase),
            criterion("van-nghe", "Số buổi biểu diễn văn nghệ, chiếu phim phục vụ cơ sở", 20.0, Measure::Increase),
            criterion("the-thao", "Số giải thể thao quần chúng tổ chức, phối hợp tổ chức", 15.0, Measure::Increase),
            criterion(
                "vi-pham",
                "Số vụ vi phạm trong hoạt động quảng cáo, dịch vụ văn hóa bị xử lý trên địa bàn",
                15.0,
                Measure::Reduce,
            ),
            criterion(
                "phong-trao",
                "Tổ chức phong trào thi đua; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến",
                15.0,
                Measure::Graded,
            ),
            criterion("bao-cao", "Chấp hành chế độ thông tin, báo cáo, dự họp cụm", 15.0, Measure::Graded),
        ],
        over_plan: OverPlan { percent_per_percent: 1.0, criterion_cap_percent: 10.0, total_cap_points: 20.0 },
        grades: [("A", 100.0), ("B", 80.0), ("C", 60.0), ("D", 40.0)]
            .map(|(grade, percent)| GradeShare { grade: grade.into(), percent })
            .to_vec(),
        adjustments: vec![
            adjustment("sang-tao", "Có cách làm sáng tạo, mô hình mới trong phong trào thi đua", 5.0),
            adjustment("tdkt-tot", "Làm tốt công tác thi đua, khen thưởng (Ban Thi đua - Khen thưởng chấm)", 5.0),
            adjustment("vang-hop", "Lãnh đạo vắng họp cụm không có lý do", -5.0),
            adjustment("phe-binh", "Bị phê bình bằng văn bản; không hoàn thành nhiệm vụ trưởng, phó cụm", -10.0),
            adjustment("khien-trach", "Người đứng đầu bị kỷ luật khiển trách", -10.0),
            adjustment("canh-cao", "Người đứng đầu bị kỷ luật cảnh cáo trở lên", -20.0),
        ],
        lateness: vec![
            LatenessStep { from_days: 5, points: -5.0 },
            LatenessStep { from_days: 10, points: -10.0 },
            LatenessStep { from_days: 15, points: -20.0 },
        ],
        returned_dossier_points: -5.0,
        quotas: vec![
            Quota { title: "co-bo-tinh".into(), count: 2 },
            Quota { title: "bang-khen-bo-tinh".into(), count: 1 },
        ],
        basis: "Luật Thi đua, khen thưởng 2022, Điều 26; Hướng dẫn 1479/BTĐKT-VIII của Ban Thi đua - Khen thưởng \
                Trung ương về cụm, khối thi đua"
            .into(),
    };
    Cluster {
        id: CLUSTER_ID.into(),
        name: "Cụm thi đua các Trung tâm Văn hóa - Thông tin cấp huyện".into(),
        kind: ClusterKind::Cum,
        members: CENTRES
            .iter()
            .map(|(id, _)| Membership {
                unit_id: (*id).into(),
                valid_from: date(2021, 1, 1),
                valid_to: None,
                unit_name: String::new(),
            })
            .collect(),
        years: vec![ClusterYear {
            year: 2026,
            leader: "ttvh-tam-duong".into(),
            deputies: vec!["ttvh-lap-thach".into()],
            covenant,
            reviews: Default::default(),
            standing: Default::default(),
            ranking: None,
        }],
        version: 1,
    }
}

/// A field map from pairs.
fn fields(pairs: &[(&str, serde_json::Value)]) -> Fields {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// People's records and unit profiles, written the way a tablet writes them: as mutations by the unit's head,
/// so they are audited and sync like any other record. (Separate from `seed`, so tests start with no records.)
pub async fn seed_records(db: &Db) -> Result<(), ApiError> {
    let as_head = |user: &str, unit: &str| Session {
        user_id: user.into(),
        role: Role::UnitHead,
        unit_id: unit.into(),
        scope: vec![unit.into()],
        managed: vec![unit.into()],
        device_id: Uuid::nil(),
        token_hash: String::new(),
    };
    let years = |ratings: &[(i32, &str)]| {
        json!(ratings.iter().map(|(year, rating)| json!({"year": year, "rating": rating})).collect::<Vec<_>>())
    };
    let award = |year: i32, title: &str, number: &str, issuer: &str| json!({"year": year, "title": title, "decision_number": number, "decision_date": "", "issuer": issuer});
    let tam_duong = [
        fields(&[
            ("full_name", json!("Trần Thị Lan")),
            ("birth_date", json!("12/05/1988")),
            ("gender", json!("Nữ")),
            ("position", json!("Viên chức tuyên truyền")),
            ("qualification", json!("Cử nhân Báo chí")),
            ("direct_worker", json!(true)),
            ("years", years(&[(2023, "xuat_sac"), (2024, "xuat_sac"), (2025, "xuat_sac")])),
            (
                "initiatives",
                json!([{"number": "05/QĐ-SKCS", "name": "Bản tin số phát thanh cơ sở trên nền tảng Zalo", "year": 2025,
                        "scope": "bo_tinh"}]),
            ),
            (
                "awards",
                json!([
                    award(2023, "Chiến sĩ thi đua cơ sở", "35/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2024, "Chiến sĩ thi đua cơ sở", "21/QĐ-TTVH", "Giám đốc Trung tâm"),
                ]),
            ),
        ]),
        fields(&[
            ("full_name", json!("Lê Văn Minh")),
            ("position", json!("Viên chức thông tin cơ sở")),
            ("direct_worker", json!(true)),
            ("years", years(&[(2024, "tot"), (2025, "tot")])),
            ("awards", json!([award(2024, "Lao động tiên tiến", "21/QĐ-TTVH", "Giám đốc Trung tâm")])),
        ]),
        fields(&[
            ("full_name", json!("Phạm Quốc Hùng")),
            ("position", json!("Giám đốc Trung tâm")),
            ("direct_worker", json!(false)),
            ("years", years(&[(2024, "xuat_sac"), (2025, "tot")])),
        ]),
        // Nine excellent years, written down over three regimes and two provinces: old statutory names,
        // abbreviations, a Bằng khen that starts the five years a Prime Minister's one counts, two provincial
        // CSTĐ three years apart, and a Giấy khen already given for 2025's results.
        fields(&[
            ("full_name", json!("Vũ Văn Tuấn")),
            ("position", json!("Viên chức kỹ thuật truyền thanh")),
            ("direct_worker", json!(true)),
            ("years", years(&(2017..=2025).map(|y| (y, "xuat_sac")).collect::<Vec<_>>())),
            (
                "initiatives",
                json!([
                    {"number": "08/QĐ-SKCS", "name": "Số hóa tư liệu truyền thanh cơ sở", "year": 2021, "scope": "co_so"},
                    {"number": "11/QĐ-SKCS", "name": "Loa truyền thanh thông minh cho thôn vùng cao", "year": 2023,
                     "scope": "co_so"},
                    {"number": "02/QĐ-BVHTTDL", "name": "Mô hình đài truyền thanh thông minh cấp xã", "year": 2025,
                     "scope": "toan_quoc"}
                ]),
            ),
            (
                "awards",
                json!([
                    award(2020, "CSTĐCS", "30/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2020, "BK của Chủ tịch UBND tỉnh Vĩnh Phúc", "1875/QĐ-UBND", "Chủ tịch UBND tỉnh Vĩnh Phúc"),
                    award(2021, "Danh hiệu Chiến sĩ thi đua cơ sở", "28/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2022, "Chiến sĩ thi đua cơ sở", "33/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2022, "Chiến sĩ thi đua cấp bộ, ngành, tỉnh, đoàn thể trung ương", "3310/QĐ-UBND",
                        "Chủ tịch UBND tỉnh Vĩnh Phúc"),
                    award(2023, "Chiến sĩ thi đua cơ sở", "35/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2024, "Chiến sĩ thi đua cơ sở", "21/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2025, "Chiến sĩ thi đua cơ sở", "19/QĐ-TTVH", "Giám đốc Trung tâm"),
                    award(2025, "CSTĐ cấp tỉnh", "412/QĐ-UBND", "Chủ tịch UBND tỉnh Phú Thọ"),
                    {"year": 2025, "title": "Giấy khen của Giám đốc Sở Văn hóa, Thể thao và Du lịch",
                     "decision_number": "125/QĐ-SVHTTDL", "decision_date": "20/12/2025",
                     "issuer": "Giám đốc Sở Văn hóa, Thể thao và Du lịch"}
                ]),
            ),
        ]),
        fields(&[
            ("full_name", json!("Nguyễn Thị Mai")),
            ("position", json!("Diễn viên, tuyên truyền viên lưu động")),
            ("direct_worker", json!(true)),
            ("years", years(&[(2025, "hoan_thanh")])),
        ]),
    ];
    let head = as_head("tamduong.giamdoc", "ttvh-tam-duong");
    let tam_duong_ids: Vec<Uuid> = tam_duong.iter().map(|_| Uuid::new_v4()).collect();
    let mut batch: Vec<Mutation> = tam_duong
        .into_iter()
        .zip(&tam_duong_ids)
        .map(|(f, id)| set(RecordKind::Person, *id, "ttvh-tam-duong", f))
        .collect();
    batch.push(set(
        RecordKind::UnitProfile,
        unit_profile_id("ttvh-tam-duong"),
        "ttvh-tam-duong",
        fields(&[
            (
                "profile",
                json!(
                    "Trung tâm Văn hóa - Thông tin - Thể thao huyện Tam Dương, đơn vị sự nghiệp trực thuộc UBND huyện"
                ),
            ),
            (
                "awards",
                json!([award(2025, "Tập thể lao động tiên tiến", "40/QĐ-UBND", "Chủ tịch UBND huyện Tam Dương")]),
            ),
        ]),
    ));
    db.apply_mutations(&head, batch, Utc::now()).await?;
    seed_models(db, &head, tam_duong_ids[0]).await?;

    // History earned before the 2020 merge, kept in the predecessors' own records.
    let (old_centre, _) = MERGED_INTO_LAP_THACH[0];
    let lap_thach = as_head("lapthach.giamdoc", "ttvh-lap-thach");
    let predecessors = Session { scope: vec![old_centre.into()], ..lap_thach.clone() };
    let hoa = Uuid::new_v4();
    let history = [
        set(
            RecordKind::UnitProfile,
            unit_profile_id(old_centre),
            old_centre,
            fields(&[(
                "awards",
                json!([
                    award(2018, "Tập thể lao động xuất sắc", "112/QĐ-UBND", "Chủ tịch UBND huyện Lập Thạch"),
                    award(2019, "Bằng khen của Chủ tịch UBND tỉnh", "3021/QĐ-UBND", "Chủ tịch UBND tỉnh Vĩnh Phúc"),
                ]),
            )]),
        ),
        set(
            RecordKind::Person,
            hoa,
            old_centre,
            fields(&[
                ("full_name", json!("Đỗ Thị Hoa")),
                ("position", json!("Viên chức văn hóa")),
                ("direct_worker", json!(true)),
                ("years", years(&[(2024, "xuat_sac"), (2025, "xuat_sac")])),
                (
                    "awards",
                    json!([
                        {"year": 2019, "title": "Chiến sĩ thi đua cơ sở", "decision_number": "15/QĐ-TTVH",
                         "decision_date": "", "issuer": "Giám đốc Trung tâm Văn hóa huyện Lập Thạch",
                         "unit": "Trung tâm Văn hóa huyện Lập Thạch"},
                        award(2024, "Chiến sĩ thi đua cơ sở", "18/QĐ-TTVH", "Giám đốc Trung tâm")
                    ]),
                ),
            ]),
        ),
    ];
    db.apply_mutations(&predecessors, history.into(), Utc::now()).await?;
    let long = Uuid::new_v4();
    let long_record = fields(&[
        ("full_name", json!("Triệu Văn Long")),
        ("position", json!("Viên chức kỹ thuật truyền thanh")),
        ("direct_worker", json!(true)),
        ("years", years(&[(2024, "xuat_sac"), (2025, "xuat_sac"), (2026, "xuat_sac")])),
        ("awards", json!([award(2025, "Chiến sĩ thi đua cơ sở", "22/QĐ-TTVH", "Giám đốc Trung tâm")])),
    ]);
    db.apply_mutations(&lap_thach, vec![set(RecordKind::Person, long, "ttvh-lap-thach", long_record)], Utc::now())
        .await?;
    seed_quarterly_reports(db, &lap_thach).await?;
    seed_round(db, &lap_thach, [(hoa, "Đỗ Thị Hoa"), (long, "Triệu Văn Long")]).await
}

/// Two of Tam Dương's advanced models: Trần Thị Lan's Zalo news bulletin, recognised by the department and shown
/// on the public page with her consent, and the centre's folk-song club, registered and waiting.
async fn seed_models(db: &Db, head: &Session, lan: Uuid) -> Result<(), ApiError> {
    let unit = "ttvh-tam-duong";
    let (bulletin, club) = (Uuid::new_v4(), Uuid::new_v4());
    let model = |id: Uuid, pairs: &[(&str, serde_json::Value)]| {
        let proposal = set(RecordKind::AdvancedModel, id, unit, fields(pairs));
        let op = Op::Transition { action: Action::Submit };
        [
            proposal,
            Mutation::new(Uuid::new_v4(), &RecordRef::new(id, RecordKind::AdvancedModel, unit), 1, op, Utc::now()),
        ]
    };
    let mut batch = model(
        bulletin,
        &[
            ("name", json!("Bản tin phát thanh cơ sở trên Zalo")),
            ("subject_kind", json!("person")),
            ("subject_id", json!(lan.to_string())),
            ("field", json!("Thông tin cơ sở")),
            ("movement_id", json!("kh-stttt-vinh-phuc-2021-2025")),
            (
                "story",
                json!(
                    "Chị Lan biên tập bản tin phát thanh hằng tuần gửi qua nhóm Zalo của 38 thôn, tổ dân phố; \
                       người dân nghe lại được khi loa truyền thanh không tới."
                ),
            ),
            ("evidence", json!("Sáng kiến 05/QĐ-SKCS năm 2025; 52 số bản tin năm 2026")),
            ("consent", json!(true)),
        ],
    )
    .to_vec();
    batch.extend(model(
        club,
        &[
            ("name", json!("Câu lạc bộ hát Trống quân Tam Dương")),
            ("subject_kind", json!("collective")),
            ("subject_id", json!(unit)),
            ("field", json!("Văn hóa cơ sở")),
            (
                "story",
                json!("Câu lạc bộ 40 hội viên duy trì sinh hoạt hằng tháng, truyền dạy hát Trống quân cho học sinh."),
            ),
            ("consent", json!(true)),
        ],
    ));
    db.apply_mutations(head, batch, Utc::now()).await?;
    let office = "vanphong";
    let scope = [unit.to_owned()];
    for (from, to, decisions) in [
        (ModelStatus::Registered, ModelStatus::Nurtured, vec![]),
        (
            ModelStatus::Nurtured,
            ModelStatus::Recognised,
            vec!["27/QĐ-STTTT ngày 15/10/2026 của Sở Thông tin và Truyền thông".to_owned()],
        ),
    ] {
        db.move_model(&bulletin.to_string(), &scope, &ModelStep { from, to, decisions }, office, Utc::now()).await?;
    }
    Ok(())
}

/// Lập Thạch's reports of the first three quarters of 2026, each sent by its head on the day given: the third
/// twelve days after its deadline (15/9), which the cluster's sheet and the dashboard show as late.
async fn seed_quarterly_reports(db: &Db, head: &Session) -> Result<(), ApiError> {
    let unit = "ttvh-lap-thach";
    let reports = [
        (
            1,
            date(2026, 3, 12),
            "Tổ chức 14 buổi tuyên truyền lưu động mừng Đảng, mừng Xuân Bính Ngọ; 6 buổi chiếu phim.",
        ),
        (2, date(2026, 6, 10), "Tuyên truyền bầu cử đại biểu Quốc hội khóa XVI và HĐND các cấp: 22 buổi lưu động."),
        (3, date(2026, 9, 27), "Tổ chức 3 giải thể thao quần chúng; tuyên truyền Quốc khánh 2/9 tại 18 xã, thị trấn."),
    ];
    for (number, sent_on, summary) in reports {
        let quarter = Quarter { year: 2026, number };
        let id = self_assessment_id(unit, &quarter.key());
        let at = sent_on.and_hms_opt(9, 0, 0).map_or_else(Utc::now, |t| t.and_utc());
        let report = fields(&[("period", json!(quarter.key())), ("summary", json!(summary))]);
        let submit = Mutation::new(
            Uuid::new_v4(),
            &RecordRef::new(id, RecordKind::SelfAssessment, unit),
            1,
            Op::Transition { action: Action::Submit },
            at,
        );
        db.apply_mutations(head, vec![set(RecordKind::SelfAssessment, id, unit, report), submit], at).await?;
    }
    Ok(())
}

/// The council of 19 and a round ready for its session: two people of Lập Thạch nominated for Chiến sĩ thi đua
/// cấp tỉnh for 2026, submitted by their head and accepted by the office. (Tam Dương's people are left to the
/// walk-through of the field's half.)
async fn seed_round(db: &Db, head: &Session, nominees: [(Uuid, &str); 2]) -> Result<(), ApiError> {
    let now = Utc::now();
    let (chair, secretary) = ("hoidong.chutich", "vanphong");
    for (i, (name, position)) in COUNCIL.into_iter().enumerate() {
        let (role, user_id) = match i {
            0 => (CouncilRole::ChuTich, Some(chair)),
            1 => (CouncilRole::PhoChuTichThuongTruc, None),
            2 => (CouncilRole::PhoChuTich, None),
            18 => (CouncilRole::ThuKy, Some(secretary)),
            3 => (CouncilRole::UyVien, Some("hoidong.thu")),
            _ => (CouncilRole::UyVien, None),
        };
        let member = CouncilMember {
            id: format!("hd-{:02}", i + 1),
            name: name.into(),
            position: position.into(),
            role,
            valid_from: date(2026, 1, 1),
            valid_to: None,
            user_id: user_id.map(Into::into),
        };
        db.save_council_member(DEPARTMENT_ID, &member, secretary, now).await?;
    }
    let office = Session {
        user_id: secretary.into(),
        role: Role::Office,
        unit_id: DEPARTMENT_ID.into(),
        scope: CENTRES.iter().map(|(id, _)| id.to_string()).collect(),
        managed: Vec::new(),
        device_id: Uuid::nil(),
        token_hash: String::new(),
    };
    for ((person, name), id) in nominees.into_iter().zip(DEMO_ROUND) {
        let id = Uuid::parse_str(id).map_err(|e| ApiError::Internal(e.to_string()))?;
        let unit = "ttvh-lap-thach";
        let nomination = fields(&[
            ("year", json!("2026")),
            ("track", json!("thuong_xuyen")),
            ("nominee_kind", json!("person")),
            ("nominee_id", json!(person.to_string())),
            ("title", json!("cstd-bo-tinh")),
            (
                "summary",
                json!(format!("{name}: ba năm liền Chiến sĩ thi đua cơ sở, sáng kiến cấp tỉnh được công nhận")),
            ),
            ("justification", json!("Thành tích tiêu biểu của Trung tâm trong phong trào chuyển đổi số")),
            ("documents", json!(["to-trinh", "bao-cao-thanh-tich", "bien-ban-hoi-dong", "cong-nhan-sang-kien"])),
        ]);
        let step = |rev, action| {
            Mutation::new(
                Uuid::new_v4(),
                &RecordRef::new(id, RecordKind::Nomination, unit),
                rev,
                Op::Transition { action },
                now,
            )
        };
        db.apply_mutations(head, vec![set(RecordKind::Nomination, id, unit, nomination), step(1, Action::Submit)], now)
            .await?;
        db.apply_mutations(&office, vec![step(2, Action::Approve)], now).await?;
    }
    Ok(())
}

/// The department's council of 2026: (name, position).
const COUNCIL: [(&str, &str); 19] = [
    ("Đặng Văn Quang", "Giám đốc Sở Thông tin và Truyền thông"),
    ("Phan Thị Hạnh", "Phó Giám đốc Sở"),
    ("Ngô Đức Thịnh", "Phó Giám đốc Sở"),
    ("Lê Thị Thu", "Chánh Văn phòng Sở"),
    ("Trịnh Văn Bình", "Chánh Thanh tra Sở"),
    ("Hà Thị Ngọc", "Trưởng phòng Kế hoạch - Tài chính"),
    ("Đào Quang Huy", "Trưởng phòng Bưu chính - Viễn thông"),
    ("Kiều Thị Vân", "Trưởng phòng Thông tin - Báo chí - Xuất bản"),
    ("Lương Văn Khải", "Trưởng phòng Công nghệ thông tin"),
    ("Tạ Thị Hương", "Giám đốc Trung tâm Công nghệ thông tin và Truyền thông"),
    ("Chu Văn Lợi", "Chủ tịch Công đoàn cơ sở Sở"),
    ("Mạc Thị Dung", "Bí thư Chi đoàn Sở"),
    ("Doãn Văn Thắng", "Phó Chánh Văn phòng Sở"),
    ("Lã Thị Phương", "Phó Trưởng phòng Kế hoạch - Tài chính"),
    ("Khổng Văn Đạt", "Phó Trưởng phòng Công nghệ thông tin"),
    ("Âu Thị Hằng", "Phó Trưởng phòng Thông tin - Báo chí - Xuất bản"),
    ("Quách Văn Tú", "Phó Chánh Thanh tra Sở"),
    ("Lục Thị Yến", "Phó Trưởng phòng Bưu chính - Viễn thông"),
    ("Nguyễn Thị Hồng Nhung", "Chuyên viên Văn phòng Sở, Thư ký Hội đồng"),
];

fn set(kind: RecordKind, record_id: Uuid, unit_id: &str, fields: Fields) -> Mutation {
    Mutation::new(Uuid::new_v4(), &RecordRef::new(record_id, kind, unit_id), 0, Op::Set { fields }, Utc::now())
}
