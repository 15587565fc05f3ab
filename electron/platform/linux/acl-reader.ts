import type { AccessAnswer, Acl, Identity } from '../../../shared/model/acl';
import { canReadPosix, checkPathAccess, overallAnswer } from '../../../shared/acl/posix';
import { readPathAcls } from '../posix-acl';
import type { CommandRunner, KeyAclReader, PathCheck } from '../types';

/** Linux key-file permissions: stat + getfacl along the path, the POSIX.1e check (shared/acl/posix.ts). */
export class LinuxKeyAclReader implements KeyAclReader {
  constructor(private readonly runner: CommandRunner) {}

  async read(path: string): Promise<Acl> {
    return (await readPathAcls(this.runner, path)).fileAcl;
  }

  async readWithNote(path: string): Promise<{ acl: Acl; note: string | null }> {
    const acls = await readPathAcls(this.runner, path);
    return { acl: acls.fileAcl, note: acls.note };
  }

  canRead(acl: Acl, identity: Identity): AccessAnswer {
    return canReadPosix(acl, identity);
  }

  async checkPath(path: string, identity: Identity): Promise<PathCheck> {
    const acls = await readPathAcls(this.runner, path);
    const steps = checkPathAccess(acls, identity);
    return { acl: acls.fileAcl, steps, answer: overallAnswer(steps), note: acls.note };
  }
}
