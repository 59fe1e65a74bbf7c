#!/usr/bin/env bash
# Builds the app and starts the server on SQLite with demo data: http://127.0.0.1:8080
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

step "build the app (field and office bundles)"
scripts/build_app.sh
step "cargo build --release -p thidua-server"
cargo build --release -p thidua-server

export THIDUA_ADDR="${THIDUA_ADDR:-127.0.0.1:8080}"
export THIDUA_DB="${THIDUA_DB:-data/thidua.sqlite}"
export THIDUA_DIST="$ROOT/dist"
cat <<MSG

  thidua: http://${THIDUA_ADDR}
  database: ${THIDUA_DB} (created with demo data on first start)

  Demo sign-ins (password for all: thidua2026):
    tamduong.lan      Trần Thị Lan       cán bộ, TT VH-TT-TT huyện Tam Dương
    tamduong.minh     Lê Văn Minh        cán bộ, TT VH-TT-TT huyện Tam Dương
    tamduong.giamdoc  Phạm Quốc Hùng     giám đốc, TT VH-TT-TT huyện Tam Dương
    lapthach.hoa      Đỗ Thị Hoa         cán bộ, TT VH-TT-TT huyện Lập Thạch
    vanphong          Nguyễn Thị Hồng Nhung  Văn phòng Sở TT&TT Vĩnh Phúc

  Stop with Ctrl+C.
MSG
exec "$ROOT/target/release/thidua-server" --demo
