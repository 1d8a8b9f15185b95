// Certificate page: the Print action. Share actions are plain links and need no script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('[data-action="print"]').forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
});
