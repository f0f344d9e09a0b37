// A metronome at the athlete's target step rate (Web Audio: sample-accurate clicks).
(function () {
  "use strict";
  var box = document.querySelector(".metro");
  if (!box) return;
  var spm = parseInt(box.dataset.target, 10) || 170;
  var output = document.getElementById("spm");
  var toggle = document.getElementById("toggle");
  var beat = document.getElementById("beat");
  var audio = null, timer = null, nextTime = 0;

  function click(time) {
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 1000;
    gain.gain.setValueAtTime(0.6, time);
    gain.gain.exponentialRampToValueAtTime(0.001, time + 0.05);
    osc.connect(gain).connect(audio.destination);
    osc.start(time);
    osc.stop(time + 0.06);
    setTimeout(function () { beat.classList.toggle("on"); }, Math.max(0, (time - audio.currentTime) * 1000));
  }

  function schedule() {
    while (nextTime < audio.currentTime + 0.1) {
      click(nextTime);
      nextTime += 60 / spm;
    }
  }

  function setRate(value) {
    spm = Math.max(100, Math.min(230, value));
    output.textContent = spm;
  }

  document.getElementById("slower").addEventListener("click", function () { setRate(spm - 1); });
  document.getElementById("faster").addEventListener("click", function () { setRate(spm + 1); });
  toggle.addEventListener("click", function () {
    if (timer) {
      clearInterval(timer); timer = null;
      toggle.textContent = "Start"; toggle.setAttribute("aria-pressed", "false");
      return;
    }
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    audio.resume();
    nextTime = audio.currentTime + 0.05;
    timer = setInterval(schedule, 25);
    toggle.textContent = "Stop"; toggle.setAttribute("aria-pressed", "true");
  });
})();
