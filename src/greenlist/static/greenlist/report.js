// Live character counts for the experience report (附件2): whitespace is not counted,
// punctuation is — the same rule the server applies (rule R2).
(function () {
  function count(text) { return text.replace(/\s/g, "").length; }
  function update(field) {
    var out = field.parentElement.querySelector(".count");
    if (!out) { return; }
    var n = count(field.value);
    var min = parseInt(field.dataset.min || "0", 10);
    var max = parseInt(field.dataset.max || "0", 10);
    var text = "已写 " + n + " 字";
    var bad = false;
    if (max) { text += "，上限 " + max + " 字"; bad = n > max; }
    if (min > 1) { text += "，至少 " + min + " 字"; bad = bad || n < min; }
    if (min === 1 && n === 0) { text += "，此部分必填"; bad = true; }
    if (bad && max && n > max) { text += "（超出 " + (n - max) + " 字）"; }
    out.textContent = text;
    out.className = "count " + (bad ? "bad" : "ok");
  }
  document.querySelectorAll("[data-max], [data-min]").forEach(function (field) {
    field.addEventListener("input", function () { update(field); });
    update(field);
  });
})();
