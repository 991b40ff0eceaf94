// Machines: the account's machines, adding and editing one, and a machine's tickets (the tickets view filtered
// by that machine).
import { $, h, formDialog, guarded, full } from "../ui.js";

/** @param {import("../app.js").Context} ctx @param {{showMachine: (id: string) => Promise<void>, loadMachines: () => Promise<void>}} tickets */
export function setup(ctx, tickets) {
  const { client, state } = ctx;

  const fields = (m = {}) => [
    { name: "name", label: "Name", value: m.name ?? "", required: true, maxlength: 200 },
    { name: "location", label: "Location", value: m.location ?? "", maxlength: 200, optional: true },
    { name: "serialNumber", label: "Serial number", value: m.serialNumber ?? "", maxlength: 100, optional: true },
  ];

  function render() {
    const machines = [...state.machines.values()];
    $("machines-empty").hidden = machines.length > 0;
    $("machine-list").replaceChildren(...machines.map((m) => h("li", { class: "card machine", "data-id": m.id },
      h("div", { class: "machine-main" },
        h("h3", { class: "machine-name" }, m.name),
        h("p", { class: "muted" }, [m.location, m.serialNumber ? `S/N ${m.serialNumber}` : null].filter(Boolean).join(" · ") || "No location or serial number"),
        h("p", { class: "muted small" }, `Added ${full(m.createdAt)}`)),
      h("div", { class: "row-actions" },
        h("button", { type: "button", class: "machine-tickets", onclick: () => tickets.showMachine(m.id) }, "Tickets", h("span", { class: "visually-hidden" }, ` of ${m.name}`)),
        h("button", { type: "button", class: "machine-edit", onclick: () => edit(m) }, "Edit", h("span", { class: "visually-hidden" }, ` ${m.name}`))))));
  }

  function edit(m) {
    formDialog(`Edit ${m.name}`, fields(m), "Save", async (v) => {
      // Only what changed; blank clears location and serial number.
      const changes = {};
      if (v.name.trim() !== m.name) changes.name = v.name.trim();
      if ((v.location.trim() || null) !== m.location) changes.location = v.location.trim() || null;
      if ((v.serialNumber.trim() || null) !== m.serialNumber) changes.serialNumber = v.serialNumber.trim() || null;
      const saved = await client.updateMachine(m.id, changes);
      state.machines.set(saved.id, saved);
      render();
    });
  }

  $("new-machine").addEventListener("click", () => {
    formDialog("New machine", fields(), "Add machine", async (v) => {
      const machine = await client.createMachine({ name: v.name.trim(), location: v.location.trim() || undefined, serialNumber: v.serialNumber.trim() || undefined });
      state.machines.set(machine.id, machine);
      render();
    });
  });

  return {
    shown: guarded(async () => { await tickets.loadMachines(); render(); }, "Machines: "),
  };
}
