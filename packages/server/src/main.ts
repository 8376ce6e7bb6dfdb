import { serve } from "./serve.ts";

/** `npm start`: `roomhook serve` with this process's arguments. */
await serve(process.argv.slice(2));
