// Nomination-sized records of Vietnamese text for the sync benchmark, as NDJSON: one record's fields per line.
// The sentences are assembled from a culture centre's vocabulary by a seeded generator, so the text compresses
// like real reports (about 4×), not like one template repeated (14×). Run alone to write a file:
//   node tests/bench/records.mjs 10000 > records.ndjson
import { writeFileSync } from 'node:fs';

const SUBJECTS = ['Trung tâm', 'Đội thông tin lưu động', 'Tổ truyền thanh cơ sở', 'Câu lạc bộ dân ca', 'Thư viện huyện',
  'Nhà văn hóa thôn', 'Đoàn nghệ thuật quần chúng', 'Phòng biên tập', 'Ban chủ nhiệm câu lạc bộ', 'Tổ kỹ thuật'];
const VERBS = ['đã tổ chức', 'phối hợp thực hiện', 'chủ trì xây dựng', 'duy trì thường xuyên', 'triển khai kịp thời',
  'hoàn thành vượt mức', 'biên tập và phát sóng', 'tham mưu ban hành', 'số hóa', 'nhân rộng'];
const OBJECTS = ['buổi chiếu phim lưu động', 'chương trình văn nghệ phục vụ nhân dân', 'tin bài tuyên truyền',
  'lớp truyền dạy hát Soọng cô', 'cụm loa truyền thanh thông minh', 'đầu sách luân chuyển', 'hội thi tuyên truyền viên',
  'mô hình thư viện thân thiện', 'trang thông tin điện tử', 'bản tin chuyển đổi số', 'giải bóng chuyền hơi',
  'đợt cổ động trực quan'];
const PLACES = ['xã Hợp Hòa', 'thị trấn Hợp Hòa', 'xã Đạo Tú', 'xã Hướng Đạo', 'xã Kim Long', 'xã Hoàng Hoa',
  'xã Đồng Tĩnh', 'xã An Hòa', 'các thôn vùng đồng bào dân tộc', 'các trường học trên địa bàn'];
const ENDINGS = ['được nhân dân đồng tình hưởng ứng', 'vượt chỉ tiêu được giao', 'được Sở ghi nhận và biểu dương',
  'góp phần thực hiện thắng lợi nhiệm vụ chính trị của địa phương', 'bảo đảm an toàn, tiết kiệm, hiệu quả',
  'thu hút đông đảo người dân tham gia', 'nâng cao đời sống tinh thần của nhân dân'];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Đinh', 'Triệu'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Hồng', 'Quang', 'Ngọc', 'Xuân', 'Thanh', 'Hữu', 'Kim'];
const GIVEN = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hiếu', 'Hoa', 'Huệ', 'Hùng', 'Hương', 'Khánh',
  'Lan', 'Linh', 'Long', 'Mai', 'Minh', 'Nam', 'Nga', 'Ngân', 'Nhung', 'Phong', 'Phúc', 'Quân', 'Quyên', 'Sơn', 'Tâm',
  'Thắng', 'Thảo', 'Thủy', 'Trang', 'Trung', 'Tuấn', 'Tú', 'Vân', 'Việt', 'Xuân', 'Yến'];
const SYLLABLES = ['ba', 'bản', 'cao', 'châu', 'đình', 'đông', 'gia', 'giang', 'hạ', 'hòa', 'hưng', 'khê', 'lạc', 'lâm',
  'lương', 'minh', 'nam', 'ngọc', 'phú', 'phúc', 'quang', 'sơn', 'tân', 'thạch', 'thanh', 'thành', 'thượng', 'tiến',
  'trung', 'tú', 'vân', 'vĩnh', 'xuân', 'yên'];

/** A small seeded generator (mulberry32), so a run can be replayed. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paragraph(random, chars) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const sentences = [];
  let length = 0;
  while (length < chars) {
    const count = 2 + Math.floor(random() * 600);
    const village = `thôn ${pick(SYLLABLES)} ${pick(SYLLABLES)}`.replace(/^thôn (.)/, (_, c) => `thôn ${c.toUpperCase()}`);
    const person = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
    const day = `${1 + Math.floor(random() * 28)}/${1 + Math.floor(random() * 12)}/202${Math.floor(random() * 6)}`;
    const sentence = random() < 0.5
      ? `${pick(SUBJECTS)} ${pick(VERBS)} ${count} ${pick(OBJECTS)} tại ${village}, ${pick(PLACES)}, ${pick(ENDINGS)}.`
      : `Ngày ${day}, đồng chí ${person} ${pick(VERBS)} ${count} ${pick(OBJECTS)} ở ${village} (${(random() * 100).toFixed(1)}% kế hoạch).`;
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  return sentences.join(' ');
}

/** `count` records' fields: a nomination with about 2 KB of text. */
export function nominationRecords(count, seed = 2026) {
  const random = generator(seed);
  return Array.from({ length: count }, (_, i) => ({
    year: '2025',
    nominee_kind: 'person',
    nominee_id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    title: 'giay-khen',
    track: 'thuong_xuyen',
    summary: paragraph(random, 300),
    section_profile: paragraph(random, 400),
    section_achievements: paragraph(random, 1000),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] || 10_000);
  const lines = nominationRecords(count).map((r) => JSON.stringify(r)).join('\n');
  if (process.argv[3]) writeFileSync(process.argv[3], `${lines}\n`);
  else process.stdout.write(`${lines}\n`);
}
