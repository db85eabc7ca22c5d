// スタッフ管理 (admins): the staff list and adding a staff member.
import type { Context } from "./context";
import { ROLE_LABELS, type Role, type Staff } from "./api";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";
import { header } from "./header";

function staffTable(staff: Staff[]): HTMLTableElement {
  return h(
    "table",
    { id: "staff-list" },
    h("thead", {}, h("tr", {}, h("th", {}, "スタッフID"), h("th", {}, "氏名"), h("th", {}, "権限"))),
    h(
      "tbody",
      {},
      ...staff.map((s) =>
        h("tr", {}, h("td", {}, s.login_id), h("td", {}, s.display_name), h("td", {}, ROLE_LABELS[s.role])),
      ),
    ),
  );
}

export async function renderStaff(ctx: Context): Promise<void> {
  const listArea = h("div", {});
  const message = messageArea("staff-error");
  const roles = Object.entries(ROLE_LABELS) as [Role, string][];
  const form = h(
    "form",
    { id: "staff-form", class: "card" },
    h("h2", {}, "スタッフを追加"),
    inputRow("スタッフID", "login_id", "text", { required: true, maxlength: "32" }),
    inputRow("氏名", "display_name", "text", { required: true }),
    h(
      "div",
      { class: "row" },
      h("label", { for: "f-role" }, "権限"),
      h(
        "select",
        { id: "f-role", name: "role" },
        ...roles.map(([value, label]) => h("option", { value, selected: value === "pharmacist" }, label)),
      ),
    ),
    inputRow("初期パスワード（8文字以上）", "password", "password", { required: true }),
    message.el,
    h("button", { type: "submit", id: "staff-submit" }, "追加する"),
  );
  const load = async () => {
    try {
      mount(listArea, staffTable(await ctx.api.listStaff()));
    } catch (e) {
      message.show(errorText(e));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .addStaff({
        login_id: field(form, "login_id"),
        display_name: field(form, "display_name"),
        role: field(form, "role") as Role,
        password: field(form, "password"),
      })
      .then(() => {
        form.reset();
        return load();
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  mount(ctx.main, header(ctx), h("section", { class: "card" }, h("h2", {}, "スタッフ管理"), listArea), form);
  await load();
}
