/** Which disks are restored (restoreDiskLunList, restoreOnlyOSDisk), and as what: managed disks, or VHD blobs. */
import { invalidInput } from "../../server/arm-errors";
import { at, isAbsent } from "./fields";
import { RestoreRequest } from "./plan";

/** LUNs of the data disks to restore: those of restoreDiskLunList (all by default), none with restoreOnlyOSDisk. */
export function checkDataDiskLuns(req: RestoreRequest): number[] {
    const { props, rp } = req;
    const allLuns = rp.vm.dataDisks.map((d) => d.lun);
    let dataLuns = allLuns;
    const list = props.restoreDiskLunList;
    if (!isAbsent(list)) {
        if (!Array.isArray(list) || !list.every((l) => Number.isInteger(l)))
            throw invalidInput("The field 'restoreDiskLunList' must be an array of integer LUNs.", at("restoreDiskLunList"));
        const luns = list as number[];
        const unknown = luns.filter((l) => !allLuns.includes(l));
        if (unknown.length > 0) {
            throw invalidInput(
                `The field 'restoreDiskLunList' names LUN ${unknown.join(", ")}, which the recovery point '${rp.name}' does not have (it has ${allLuns.length ? `data disk LUNs ${allLuns.join(", ")}` : "no data disks"}).`,
                at("restoreDiskLunList"),
            );
        }
        dataLuns = allLuns.filter((l) => luns.includes(l));
    }
    return props.restoreOnlyOSDisk === true ? [] : dataLuns;
}

/** false when the disks are restored as VHD blobs: only an unmanaged VM, and only by RestoreDisks without a target resource group. */
export function restoresManagedDisks(req: RestoreRequest): boolean {
    const { props, rp, recoveryType } = req;
    if (recoveryType === "OriginalLocation") return rp.vm.isManaged;
    if (recoveryType !== "RestoreDisks" || props.targetResourceGroupId !== undefined) return true;
    if (rp.vm.isManaged) {
        throw invalidInput(
            `The field 'targetResourceGroupId' is required: '${rp.vm.name}' has managed disks, which are restored as managed disks into a resource group (only a VM with unmanaged disks can be restored as VHDs into the staging account).`,
            at("targetResourceGroupId"),
        );
    }
    if (props.restoreWithManagedDisks === true) {
        throw invalidInput(
            "The field 'restoreWithManagedDisks' restores the unmanaged disks as managed disks, which needs 'targetResourceGroupId'.",
            at("targetResourceGroupId"),
        );
    }
    return false;
}
