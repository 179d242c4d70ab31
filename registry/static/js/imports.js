// Import page: send the upload with XMLHttpRequest to show its progress. Without this script
// (or without XMLHttpRequest) the form posts as usual and the server redirects to the preview.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const box = document.getElementById("upload-progress");
  const bar = box.querySelector("progress");
  const status = box.querySelector(".upload-status");
  const fileInput = form.querySelector("input[type=file]");
  const button = form.querySelector("button[type=submit]");

  const showErrors = (messages) => {
    const wrapper = fileInput.closest(".field");
    let list = wrapper.querySelector("ul.errors");
    if (!list) {
      list = document.createElement("ul");
      list.className = "errors";
      list.id = fileInput.id + "-err";
      wrapper.appendChild(list);
    }
    list.replaceChildren(...messages.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    wrapper.classList.add("has-error");
    fileInput.setAttribute("aria-invalid", "true");
    fileInput.setAttribute("aria-describedby", list.id);
    fileInput.focus();
  };

  const done = () => { button.disabled = false; box.hidden = true; };

  form.addEventListener("submit", (event) => {
    if (!fileInput.files || fileInput.files.length === 0) return;  // the server says a file is needed
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = form.dataset.msgUploading + " " + percent + " %";
    });
    xhr.upload.addEventListener("load", () => {
      bar.removeAttribute("value");  // indeterminate while the server reads the rows
      status.textContent = form.dataset.msgChecking;
    });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 200 && body && body.location) {
        window.location.assign(body.location);
        return;
      }
      done();
      if (xhr.status === 413) showErrors([form.dataset.msgTooLarge]);
      else if (body && body.errors) showErrors(body.errors);
      else showErrors([form.dataset.msgFailed]);
    });
    xhr.addEventListener("error", () => { done(); showErrors([form.dataset.msgFailed]); });
    button.disabled = true;
    box.hidden = false;
    bar.value = 0;
    status.textContent = form.dataset.msgUploading;
    xhr.send(new FormData(form));
  });
});
