// Placeholder for a script whose capability lands in a later issue: it says so and fails,
// so nobody mistakes it for a working command.
const [, , name, what] = process.argv;
console.error(`npm run ${name}: not available yet; it arrives with ${what}. See README.md.`);
process.exit(1);
