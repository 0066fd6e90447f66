const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

export const badChannelSegment = (name: unknown, declarer: string) =>
  `Channel ${show(name)} declared by ${declarer} is not a valid channel name: use one segment of letters, digits, "_" or "-" (e.g. { name: 'sale', parent: 'root' }).`;

export const badChannelPath = (what: string, value: unknown, declarer: string) =>
  `${what} ${show(value)} declared by ${declarer} is not a valid channel path: write it like "root.sale".`;

export const rootReparented = (declarer: string) =>
  `${declarer} declares channel "root" with a parent: root is the top of every channel and cannot be re-parented, renamed or removed. Declare your channel under it instead, e.g. { name: 'sale', parent: 'root' }.`;

export const badRemovalInterval = (channel: string, value: unknown, declarer: string) =>
  `Channel "${channel}" declared by ${declarer} has removalInterval ${show(value)}: expected a whole number of days >= 1 (default 30).`;

export const unknownParent = (channel: string, parent: string, declarer: string) =>
  `Channel "${channel}" declared by ${declarer} has parent "${parent}", which no module declares: add { name: '${parent.split('.').pop()}', parent: '${parent.split('.').slice(0, -1).join('.') || 'root'}' } to the channels of a QueueJobModule.forFeature(), or fix the parent.`;

export const conflictingDeclarations = (kind: string, name: string, field: string, a: unknown, byA: string, b: unknown, byB: string) =>
  `${kind} "${name}" is declared with ${field} ${show(a)} by ${byA} and with ${field} ${show(b)} by ${byB}: declare it the same way in both modules, or in one module only.`;

export const badJobFunctionName = (name: unknown, declarer: string) =>
  `Job function ${show(name)} declared by ${declarer} needs a name like "<OrderService>.confirm".`;

export const badJobFunctionSeconds = (name: string, field: string, value: unknown, declarer: string) =>
  `Job function "${name}" declared by ${declarer} has ${field} ${show(value)}: expected a whole number of seconds >= 1 (e.g. { name: '${name}', ${field}: 60 }).`;

export const badOnMissingRecord = (name: string, value: unknown, declarer: string) =>
  `Job function "${name}" declared by ${declarer} has onMissingRecord ${show(value)}: expected 'fail' (the default: a job whose record was deleted fails as RecordNotFoundError) or 'done' (it ends done without calling the method), e.g. @Delayable({ onMissingRecord: 'done' }).`;
