import type { Command } from 'commander';

// The edge and control servers arrive with the edge issue; until then `serve` explains
// itself and exits 0 so `npm start` stays true on a fresh machine.
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the edge and the control API')
    .action(() => {
      console.log(program.helpInformation());
      console.log('The edge server is not part of this build yet; `lacquer vcl lint FILE` works today.');
    });
}
