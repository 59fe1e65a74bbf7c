// The public page: the open consultations with each candidate's achievement summary and a comment form, the
// register of issued decisions, and the recognised advanced models whose subjects consented. Everything the
// server sends is written as text (textContent), never as markup.

const el = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

const dmy = (iso) => iso.split('-').reverse().join('/');

function commentForm(publication, candidate) {
  const form = el('form');
  form.dataset.nomination = candidate.nomination_id;
  const name = el('input'); name.name = 'name'; name.placeholder = 'Họ và tên'; name.maxLength = 100; name.required = true;
  const contact = el('input'); contact.name = 'contact'; contact.placeholder = 'Điện thoại hoặc thư điện tử (không công khai)'; contact.maxLength = 100;
  const text = el('textarea'); text.name = 'text'; text.rows = 3; text.maxLength = 2000; text.required = true;
  text.placeholder = 'Ý kiến về thành tích của người được đề nghị';
  const send = el('button', 'Gửi ý kiến'); send.type = 'submit';
  const message = el('p', '', 'message'); message.setAttribute('role', 'status');
  form.append(name, contact, text, send, message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    send.disabled = true;
    try {
      const response = await fetch(`/api/public/publications/${encodeURIComponent(publication.id)}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ nomination_id: candidate.nomination_id, name: name.value, contact: contact.value, text: text.value }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        message.textContent = `Đã nhận ý kiến số ${body.id}. Văn phòng sẽ xem xét và trả lời.`;
        text.value = '';
      } else {
        message.textContent = body.message || `Không gửi được (${response.status}).`;
      }
    } catch {
      message.textContent = 'Không kết nối được máy chủ; ý kiến vẫn còn trong ô, hãy gửi lại.';
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

async function load() {
  const status = document.getElementById('status');
  try {
    const [publications, decisions, models] = await Promise.all([
      fetch('/api/public/publications').then((r) => r.json()),
      fetch('/api/public/decisions').then((r) => r.json()),
      fetch('/api/public/models').then((r) => r.json()),
    ]);
    const list = document.getElementById('publications');
    status.textContent = publications.length ? '' : 'Hiện không có đợt lấy ý kiến nào.';
    for (const publication of publications) {
      list.append(el('p', `Lấy ý kiến từ ${dmy(publication.opens)} đến hết ${dmy(publication.closes)} ` +
        `(${publication.working_days} ngày làm việc; ${publication.article}).`, 'muted'));
      for (const candidate of publication.candidates) {
        const card = el('article', undefined, 'candidate');
        card.append(el('h3', candidate.name), el('p', `${candidate.unit_name} — đề nghị ${candidate.title_name}`, 'muted'),
          el('p', candidate.summary), commentForm(publication, candidate));
        list.append(card);
      }
    }
    const register = document.getElementById('decisions');
    if (!decisions.length) register.append(el('p', 'Chưa có quyết định nào.', 'muted'));
    for (const decision of decisions) {
      const card = el('article', undefined, 'decision');
      card.append(el('h3', `Quyết định số ${decision.number} ngày ${dmy(decision.decided_on)}`),
        el('p', `${decision.issuer} — ${decision.summary}`, 'muted'));
      const recipients = el('ul');
      for (const r of decision.recipients) recipients.append(el('li', `${r.name} (${r.unit_name}): ${r.title_name}`));
      card.append(recipients);
      register.append(card);
    }
    const gallery = document.getElementById('models');
    if (!models.length) gallery.append(el('p', 'Chưa có điển hình nào được công khai.', 'muted'));
    for (const model of models) {
      const card = el('article', undefined, 'model');
      card.dataset.id = model.id;
      card.append(el('h3', model.name), el('p', `${model.subject_name} — ${model.unit_name}; lĩnh vực ${model.field}`, 'muted'),
        el('p', model.story), el('p', `${model.status_label}: ${model.decisions.join('; ')}`, 'muted'));
      gallery.append(card);
    }
  } catch {
    status.textContent = 'Không tải được dữ liệu; hãy thử lại sau.';
  }
}

load();
