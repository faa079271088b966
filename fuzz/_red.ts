import { reduceReproducer } from "./reduce.ts";
console.log(
  await reduceReproducer(Deno.args[0], {
    replay: [
      "deno",
      "run",
      "-A",
      "/work/h4/fuzz/main.ts",
      "-O",
      "2",
      "--quiet",
      "--replay",
    ],
    timeoutSeconds: 240,
  }),
);
