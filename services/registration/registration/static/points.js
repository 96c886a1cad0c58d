/* A connection point picker over the points API's list (code, name, province, capacity,
   confirmed): hundreds of points in a <select>, grouped by province, filtered as
   the person types: every typed word must begin a word of the point's code, name or province,
   accents optional ("ha noi" finds "Hà Nội"). */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function PointPicker(select, search, points, texts) {
    this.select = select;
    this.texts = texts;
    this.points = points.map(function (p) {
      return {point: p, key: " " + fold([p.code, p.name, p.province].join(" ")).replace(/[^a-z0-9]+/g, " ")};
    });
    var picker = this;
    search.addEventListener("input", function () { picker.show(search.value); });
    this.show("");
  }

  PointPicker.prototype.show = function (query) {
    var words = fold(query).split(/[^a-z0-9]+/).filter(Boolean);
    var chosen = this.select.value;
    var groups = {}, order = [];
    this.points.forEach(function (entry) {
      if (!words.every(function (w) { return entry.key.indexOf(" " + w) >= 0; })) return;
      var province = entry.point.province;
      if (!groups[province]) { groups[province] = []; order.push(province); }
      groups[province].push(entry.point);
    });
    var texts = this.texts;
    var select = this.select;
    select.textContent = "";
    order.sort(function (a, b) { return a.localeCompare(b, "vi"); }).forEach(function (province) {
      var group = ForumOps.el("optgroup", {label: province});
      groups[province].forEach(function (p) {
        var free = p.capacity - p.confirmed;
        var places = free > 0 ? texts.places_left.replace("{n}", free) : texts.full;
        var option = ForumOps.el("option", {value: p.code, text: p.name + " (" + p.code + ") · " + places});
        if (p.code === chosen) option.selected = true;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    if (!order.length) select.appendChild(ForumOps.el("option", {disabled: "", text: texts.search_none}));
  };

  window.PointPicker = PointPicker;
})();
