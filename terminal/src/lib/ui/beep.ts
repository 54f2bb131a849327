let ctx: AudioContext | null = null;

/** A short tone through WebAudio (identify command, scan feedback). Silent where audio is blocked. */
export function beep(frequency = 880, durationMs = 180, times = 1): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime;
    for (let i = 0; i < times; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = frequency;
      const t0 = start + (i * durationMs * 2) / 1000;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + durationMs / 1000);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + durationMs / 1000 + 0.02);
    }
  } catch {
    /* no audio device or autoplay policy: the flash still shows */
  }
}
